import { GetAccessKeyLastUsedCommand, IAMClient, paginateListAccessKeys } from '@aws-sdk/client-iam';
import { GLOBAL_SERVICE_REGION } from '../aws/clients';
import { mapLimit } from '../concurrency';
import { CollectionError, errorCode } from '../errors';
import { GLOBAL_REGION } from '../model';
import { capture, ok, type Outcome, type SourceError } from './outcome';
import { daysSince } from '../dates';
import { CREDENTIAL_REPORT_ACTIONS, credentialReportFor, type CredentialReport, type CredentialReportOptions, type CredentialUser, type ReportAccessKey } from './credential-report';
import { IAM_CONCURRENCY, IAM_PAGE_SIZE } from './iam-users';
import { contestedKeys, type KeyUse, type ListedKey } from './key-match';
import type { Collector, CollectContext } from './types';

export type { ListedKey };

/**
 * Access key ids, which the credential report lacks, for the users holding an active key the run's audits
 * could report (the keys findings name and the remediation deactivates). Per such user: one ListAccessKeys,
 * plus one GetAccessKeyLastUsed per key sharing its creation second with another (to tell them apart).
 * A user whose keys could not be read is a gap of the source (its Outcome's `gaps`), naming the user.
 */
export interface AccessKeys {
  readonly byUser: Readonly<Record<string, Outcome<readonly ListedKey[]>>>;
}

declare module './inventory' {
  interface Sources {
    'iam.accessKeys': Outcome<AccessKeys>;
  }
}

/**
 * Which active keys an audit could report (WARN/FAIL), from its settings; a key matching any criterion of
 * any audit gets its id listed. Keys no audit would report are not listed: a compliant account costs no
 * per-user call. Criteria: created more than `olderThanDays` ago; last used `unusedForDays` or more days
 * ago; never used and created more than `neverUsedOlderThanDays` ago.
 */
export interface KeyScope {
  readonly olderThanDays?: number;
  readonly unusedForDays?: number;
  readonly neverUsedOlderThanDays?: number;
}

declare module './types' {
  interface CollectScope {
    'iam.accessKeys': readonly KeyScope[];
  }
}

/** Whether some audit could report this active key (an unreadable date always could). */
export function mayBeReported(k: ReportAccessKey, now: Date, scopes: readonly KeyScope[]): boolean {
  const age = daysSince(now, k.lastRotated);
  if (age === null) return true;
  const idle = daysSince(now, k.lastUsed);
  return scopes.some(
    (s) =>
      (s.olderThanDays !== undefined && age > s.olderThanDays) ||
      (s.unusedForDays !== undefined && idle !== null && idle >= s.unusedForDays) ||
      (s.neverUsedOlderThanDays !== undefined && idle === null && age > s.neverUsedOlderThanDays),
  );
}

const SOURCE = 'iam.accessKeys';

/**
 * Report users (root aside: its keys cannot be listed by another principal) holding an active key that
 * the run's audits could report; without a scope, every holder of an active key.
 */
export function keyHolders(report: CredentialReport, now: Date, scopes?: readonly KeyScope[]): CredentialUser[] {
  return report.users.filter((u) => !u.isRoot && u.accessKeys.some((k) => k.active && (!scopes || mayBeReported(k, now, scopes))));
}

async function listKeys(iam: IAMClient, user: string): Promise<ListedKey[]> {
  const keys: ListedKey[] = [];
  try {
    for await (const page of paginateListAccessKeys({ client: iam, pageSize: IAM_PAGE_SIZE }, { UserName: user })) {
      for (const k of page.AccessKeyMetadata ?? []) {
        if (k.AccessKeyId && k.CreateDate) keys.push({ id: k.AccessKeyId, status: k.Status === 'Active' ? 'Active' : 'Inactive', createdAt: new Date(k.CreateDate).toISOString() });
      }
    }
  } catch (error) {
    // Deleted since the report: it holds no keys any more.
    if (isNoSuchEntity(error)) return [];
    throw error;
  }
  return keys;
}

const isNoSuchEntity = (error: unknown) => errorCode(error) === 'NoSuchEntityException' || errorCode(error) === 'NoSuchEntity';

async function lastUsed(iam: IAMClient, key: ListedKey): Promise<KeyUse> {
  const { AccessKeyLastUsed: used } = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }));
  const known = (v: string | undefined) => (v && v !== 'N/A' ? v : null);
  return { at: used?.LastUsedDate ? new Date(used.LastUsedDate).toISOString() : null, region: known(used?.Region), service: known(used?.ServiceName) };
}

/**
 * One user's keys: ListAccessKeys, then GetAccessKeyLastUsed only for keys sharing a creation second with
 * another (the report's slots cannot be told apart by creation time alone). Each read kept as an Outcome.
 */
async function readUserKeys(iam: IAMClient, user: CredentialUser): Promise<Outcome<readonly ListedKey[]>> {
  const listed = await capture(SOURCE, GLOBAL_REGION, () => listKeys(iam, user.user));
  if (!listed.ok) return listed;
  const contested = new Set(contestedKeys(user.accessKeys, listed.value).map((k) => k.id));
  if (contested.size === 0) return listed;
  // One after the other, inside the user's slot of the IAM limit.
  const keys: ListedKey[] = [];
  for (const k of listed.value) keys.push(contested.has(k.id) ? { ...k, lastUsed: await capture(SOURCE, GLOBAL_REGION, () => lastUsed(iam, k)) } : k);
  return ok(keys);
}

/** The users whose key ids (or the last use telling same-second keys apart) were not read, one gap per operation and error code. */
export function keyGaps(byUser: Readonly<Record<string, Outcome<readonly ListedKey[]>>>): SourceError[] {
  const groups = new Map<string, { operation: string; code: string; message: string; users: string[] }>();
  const add = (operation: string, user: string, e: SourceError) => {
    const g = groups.get(`${operation}:${e.code}`) ?? { operation, code: e.code, message: e.message, users: [] };
    if (!g.users.includes(user)) g.users.push(user);
    groups.set(`${operation}:${e.code}`, g);
  };
  for (const [user, o] of Object.entries(byUser)) {
    if (!o.ok) add('ListAccessKeys', user, o.error);
    else for (const k of o.value) if (k.lastUsed && !k.lastUsed.ok) add('GetAccessKeyLastUsed', user, k.lastUsed.error);
  }
  return [...groups.values()].map((g) => ({
    source: SOURCE,
    region: GLOBAL_REGION,
    code: g.code,
    message: `${g.operation} failed for ${g.users.length} user${g.users.length === 1 ? '' : 's'} (${named(g.users)}): their key ids are unknown and no remediation acts on their keys (${g.message})`,
    resources: g.users,
  }));
}

const NAMED = 10;
const named = (users: readonly string[]) => (users.length > NAMED ? `${users.slice(0, NAMED).join(', ')} and ${users.length - NAMED} more` : users.join(', '));

/** ListAccessKeys for each key holder in the run's report, `ctx.iamConcurrency` users at a time, errors kept per user. */
export async function readAccessKeys(ctx: CollectContext, options: CredentialReportOptions = {}): Promise<AccessKeys> {
  let report: CredentialReport;
  try {
    report = await credentialReportFor(ctx, options);
  } catch (error) {
    throw new CollectionError(`key ids not read: the credential report could not be read (${errorCode(error)})`, SOURCE, GLOBAL_REGION, 'CredentialReportUnavailable', { cause: error });
  }
  const iam = ctx.clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION);
  const holders = keyHolders(report, ctx.now, ctx.scope?.['iam.accessKeys']);
  const outcomes = await mapLimit(holders, ctx.iamConcurrency ?? IAM_CONCURRENCY, (u) => readUserKeys(iam, u));
  return { byUser: Object.fromEntries(holders.map((u, i) => [u.user, outcomes[i] ?? ok([])])) };
}

export function accessKeysCollector(options: CredentialReportOptions = {}): Collector<'iam.accessKeys'> {
  return {
    id: SOURCE,
    iamActions: ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', ...CREDENTIAL_REPORT_ACTIONS],
    regional: false,
    collect: async (ctx) => {
      const read = await capture(SOURCE, GLOBAL_REGION, () => readAccessKeys(ctx, options));
      // A user whose keys were not read is a named gap, even where the findings can be judged without ids.
      return read.ok ? { ...read, gaps: keyGaps(read.value.byUser) } : read;
    },
  };
}
