import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListParents,
  paginateListTagsForResource,
  type Account,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Clients } from '../aws/clients';
import type { SourceError } from '../collect/outcome';
import { mapLimit } from '../concurrency';
import { errorCode, errorMessage } from '../errors';
import type { Log } from '../logger';
import { GLOBAL_REGION } from '../model';
import type { OrganizationSettings } from './config';
import { checkExcludedAccounts, checkOus, ORG_CONCURRENCY } from './scope-check';
import { needsTags, outByIdOnly, outOfScope, planFor } from './scope';
import type { Discovery, OrgAccount, OrgUnit, ScopedAccount } from './types';

/** What discovery calls in the management (or delegated administrator) account. */
export const DISCOVERY_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListAccounts',
  'organizations:ListParents',
  'organizations:ListTagsForResource',
] as const;

/** Organizations has one endpoint per partition. */
const ORGANIZATIONS_REGION: Readonly<Record<string, string>> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-northwest-1' };

export interface DiscoverOptions {
  /** The caller's (management or delegated administrator) clients. */
  readonly clients: Clients;
  readonly settings: OrganizationSettings;
  readonly runId: string;
  readonly log: Log;
  readonly now?: Date;
  /** `notify.accountOwnerTag`: the accounts' tags are read for it too (a failed read then only costs the owner mail). */
  readonly ownerTag?: string;
}

export function organizationsRegion(partition: string): string {
  return ORGANIZATIONS_REGION[partition] ?? 'us-east-1';
}

/** `State`, falling back to the older `Status` (the same values for ACTIVE/SUSPENDED/PENDING_CLOSURE). */
export function accountState(a: Pick<Account, 'State' | 'Status'>): string {
  return a.State ?? a.Status ?? 'UNKNOWN';
}

/** The caller's account and partition (from its ARN: arn:<partition>:sts::<account>:...). */
export async function callerIdentity(clients: Clients): Promise<{ account: string; partition: string }> {
  const me = await clients.get(STSClient, 'sts').send(new GetCallerIdentityCommand({}));
  return { account: me.Account ?? 'unknown', partition: me.Arn?.split(':')[1] ?? 'aws' };
}

/** Each OU's path from the root, read once per OU however many accounts sit under it. */
class OuPaths {
  private readonly paths = new Map<string, Promise<OrgUnit[]>>();
  constructor(private readonly org: OrganizationsClient) {}

  /** The parent of `childId` (an account or OU): null for the root. */
  private async parent(childId: string): Promise<{ id: string; root: boolean }> {
    for await (const page of paginateListParents({ client: this.org }, { ChildId: childId })) {
      const p = page.Parents?.[0];
      if (p?.Id) return { id: p.Id, root: p.Type === 'ROOT' };
    }
    throw Object.assign(new Error(`ListParents returned no parent for ${childId}`), { name: 'MalformedResponse' });
  }

  private async name(ouId: string): Promise<string | undefined> {
    try {
      const res = await this.org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }));
      return res.OrganizationalUnit?.Name;
    } catch {
      return undefined; // the id still names the OU: a missing name is not an audit gap
    }
  }

  /** Root first, ending with `ouId` itself. */
  private ouPath(ouId: string, root: boolean): Promise<OrgUnit[]> {
    let path = this.paths.get(ouId);
    if (!path) {
      path = root
        ? Promise.resolve([{ id: ouId, name: 'Root' }])
        : Promise.all([this.parent(ouId), this.name(ouId)]).then(async ([p, name]) => [...(await this.ouPath(p.id, p.root)), { id: ouId, ...(name ? { name } : {}) }]);
      this.paths.set(ouId, path);
    }
    return path;
  }

  async ofAccount(accountId: string): Promise<OrgUnit[]> {
    const p = await this.parent(accountId);
    return this.ouPath(p.id, p.root);
  }
}

async function accountTags(org: OrganizationsClient, id: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for await (const page of paginateListTagsForResource({ client: org }, { ResourceId: id })) {
    for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  }
  return tags;
}

async function listAccounts(org: OrganizationsClient): Promise<Account[]> {
  const accounts: Account[] = [];
  for await (const page of paginateListAccounts({ client: org }, {})) accounts.push(...(page.Accounts ?? []));
  return accounts;
}

function discoveryError(source: string, error: unknown): SourceError {
  return { source, region: GLOBAL_REGION, code: errorCode(error), message: errorMessage(error) };
}

/**
 * Reads the organization on every run: who we are (partition), the organization and its management
 * account, every account (ListAccounts, paginated), each account's OU path (ListParents up to the root,
 * cached per OU) and, when a tag filter needs them, its tags; then applies the stage's scope. Never throws
 * for AWS errors: what could not be read is in `errors` and, where it decides an account's scope, that
 * account is `not-audited` with the reason. An explicitly listed account the organization does not hold is
 * `not-audited` (`NotInOrganization`), never dropped.
 */
export async function discover(opts: DiscoverOptions): Promise<Discovery> {
  const s = opts.settings;
  const errors: SourceError[] = [];
  const base = { version: 1 as const, runId: opts.runId, discoveredAt: (opts.now ?? new Date()).toISOString(), roleName: s.roleName };
  let me: { account: string; partition: string };
  try {
    me = await callerIdentity(opts.clients);
  } catch (error) {
    errors.push(discoveryError('sts.callerIdentity', error));
    return { ...base, partition: 'aws', caller: 'unknown', accounts: notRead(s, errors), outOfScope: 0, errors };
  }
  const org = opts.clients.get(OrganizationsClient, 'organizations', organizationsRegion(me.partition));
  let listed: Account[];
  let organizationId: string | undefined;
  let managementAccount: string | undefined;
  try {
    const [description, accounts] = await Promise.all([org.send(new DescribeOrganizationCommand({})), listAccounts(org)]);
    organizationId = description.Organization?.Id;
    managementAccount = description.Organization?.MasterAccountId;
    listed = accounts;
  } catch (error) {
    errors.push(discoveryError('organizations.accounts', error));
    return { ...base, partition: me.partition, caller: me.account, accounts: notRead(s, errors), outOfScope: 0, errors };
  }
  const who = { ...base, partition: me.partition, caller: me.account, ...(organizationId ? { organizationId } : {}), ...(managementAccount ? { managementAccount } : {}) };

  const candidates = listed
    .filter((a): a is Account & { Id: string } => typeof a.Id === 'string')
    .map((a) => ({ id: a.Id, name: a.Name ?? a.Id, state: accountState(a), management: a.Id === managementAccount }))
    .filter((a) => outByIdOnly(a, s) === null);
  const paths = new OuPaths(org);
  const scopeTags = needsTags(s);
  const withTags = scopeTags || opts.ownerTag !== undefined;
  const ouFiltered = s.includeOus.length > 0 || s.excludeOus.length > 0;
  const read = await mapLimit(candidates, ORG_CONCURRENCY, async (c) => {
    let ous: OrgUnit[] = [];
    let tags: Record<string, string> | undefined;
    let tagsError: string | undefined;
    const problems: string[] = [];
    try {
      ous = await paths.ofAccount(c.id);
    } catch (error) {
      errors.push({ ...discoveryError('organizations.parents', error), message: `OU path of ${c.id}: ${errorMessage(error)}` });
      if (ouFiltered) problems.push(`ListParents ${errorCode(error)}`);
    }
    if (withTags) {
      try {
        tags = await accountTags(org, c.id);
      } catch (error) {
        tagsError = errorCode(error);
        // Tags that decide the scope are an audit gap; tags read only for the owner mail are not (the report warns).
        if (scopeTags) {
          errors.push({ ...discoveryError('organizations.tags', error), message: `tags of ${c.id}: ${errorMessage(error)}` });
          problems.push(`ListTagsForResource ${errorCode(error)}`);
        }
      }
    }
    const account: OrgAccount = { ...c, ous, ...(tags ? { tags } : {}), ...(tagsError ? { tagsError } : {}) };
    return { account, problems };
  });

  const accounts: ScopedAccount[] = [];
  for (const { account, problems } of read) {
    // A filter that could not be evaluated keeps the account in scope, named: never a silent drop.
    if (problems.length > 0) accounts.push({ ...account, plan: 'not-audited', reason: `scope unknown: ${problems.join(', ')}`, scopeUnknown: true });
    else if (outOfScope(account, s) === null) accounts.push({ ...account, ...planFor(account.state) });
  }
  const known = new Map(listed.map((a) => [a.Id, a]));
  for (const id of explicitIds(s)) {
    const a = known.get(id);
    if (!a) accounts.push({ id, name: id, state: 'UNKNOWN', ous: [], management: false, plan: 'not-audited', reason: 'NotInOrganization: not an account of this organization' });
    // Listed by id, yet left out by the management account rule: named, never dropped as out of scope.
    else if (id === managementAccount && !s.includeManagementAccount) {
      accounts.push({ id, name: a.Name ?? id, state: accountState(a), ous: [], management: true, plan: 'not-audited', reason: 'ManagementAccount: listed, but includeManagementAccount is false (set it, and give the management account the member role by a plain stack: StackSets never deploy there)' });
    }
  }
  const warnings: string[] = [];
  const checked = await checkOus(org, s, read.map((r) => r.account), accounts, organizationId);
  errors.push(...checked.errors);
  warnings.push(...checked.warnings, ...checkExcludedAccounts(s, new Set(listed.flatMap((a) => (a.Id ? [a.Id] : []))), organizationId));
  if (checked.unverifiedExclusions.length > 0) {
    // Any account might be one an unverified exclusion was meant to leave out: none is audited (nor
    // remediated, nor mailed), each is named; never more accounts than the stage asked for.
    const why = `scope unknown: excludeOus ${checked.unverifiedExclusions.join(', ')}`;
    accounts.forEach((a, i) => {
      if (a.plan === 'audit') accounts[i] = { ...a, plan: 'not-audited', reason: why, scopeUnknown: true };
    });
  }
  accounts.sort((a, b) => a.id.localeCompare(b.id));
  if (!accounts.some((a) => a.plan === 'audit')) warnings.push(`no account to audit: the scope holds ${accounts.length === 0 ? 'no account at all' : `${accounts.length} account${accounts.length === 1 ? '' : 's'}, none of them to audit`} (check organization.accounts, includeOus, includeAccounts and the exclusions): nothing was audited, this is not an all clear`);
  opts.log.info('discovered', { runId: opts.runId, listed: listed.length, inScope: accounts.length, audit: accounts.filter((a) => a.plan === 'audit').length, errors: errors.length, warnings: warnings.length });
  const inScope = new Set(accounts.map((a) => a.id));
  return { ...who, accounts, outOfScope: listed.filter((a) => !inScope.has(a.Id ?? '')).length, errors, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Account ids the stage names explicitly (to be included): each one is accounted for. */
function explicitIds(s: OrganizationSettings): string[] {
  const listed = s.accounts === 'all' ? [] : s.accounts;
  return [...new Set([...listed, ...s.includeAccounts])].filter((id) => !s.excludeAccounts.includes(id) && (s.accounts === 'all' || s.accounts.includes(id)));
}

/** The organization could not be read: explicitly listed accounts are named as not audited, with why. */
function notRead(s: OrganizationSettings, errors: readonly SourceError[]): ScopedAccount[] {
  const why = errors.map((e) => `${e.source} ${e.code}`).join(', ');
  return explicitIds(s).map((id) => ({ id, name: id, state: 'UNKNOWN', ous: [], management: false, plan: 'not-audited' as const, reason: `organization not read: ${why}` }));
}
