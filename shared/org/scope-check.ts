import { DescribeOrganizationalUnitCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { SourceError } from '../collect/outcome';
import { mapLimit } from '../concurrency';
import { errorCode, errorMessage } from '../errors';
import { GLOBAL_REGION } from '../model';
import type { OrganizationSettings } from './config';
import type { OrgAccount, ScopedAccount } from './types';

/** Organizations throttles hard; the SDK's adaptive retries do the rest. */
export const ORG_CONCURRENCY = 4;

type OuField = 'includeOus' | 'excludeOus';
const FLAG: Readonly<Record<OuField, string>> = { includeOus: '--include-ous', excludeOus: '--exclude-ous' };
const fix = (field: OuField) => `fix organization.${field} (or ${FLAG[field]}): list the OU ids with \`aws organizations list-organizational-units-for-parent --parent-id <root id>\``;

/** What the organization says of one OU id of the stage. */
type Lookup = { exists: true; name?: string } | { exists: false; code: string; what: string };

export interface OuChecks {
  readonly errors: SourceError[];
  readonly warnings: string[];
  /**
   * The `excludeOus` ids that could not be verified (`<ou> <code>`): while any is listed, which accounts the
   * stage meant to leave out is unknown.
   */
  readonly unverifiedExclusions: string[];
}

/**
 * Each `includeOus` and `excludeOus` id, checked against the organization: an OU on some account's path exists
 * (no call); any other is read with DescribeOrganizationalUnit, and a root id must be the organization's
 * root. An OU the organization does not hold (a typo, an OU of another organization, a deleted OU) or that
 * cannot be read is an error naming it and the fix. Included: the accounts meant to be under it were not
 * audited; an included OU that exists but holds no account in scope is a warning. Excluded: the accounts
 * meant to be left out are unknown (`unverifiedExclusions`; discovery then audits none); an excluded OU that
 * exists but holds no account is fine (it leaves nothing out).
 */
export async function checkOus(org: OrganizationsClient, s: OrganizationSettings, read: readonly OrgAccount[], scoped: readonly ScopedAccount[], organizationId: string | undefined): Promise<OuChecks> {
  const seen = new Map(read.flatMap((a) => a.ous.map((o) => [o.id, o.name] as const)));
  const roots = new Set(read.flatMap((a) => (a.ous[0] ? [a.ous[0].id] : [])));
  const ours = organizationId ? ` (${organizationId})` : '';

  const lookUp = async (ou: string): Promise<Lookup> => {
    if (seen.has(ou)) return { exists: true, ...(seen.get(ou) ? { name: seen.get(ou) } : {}) };
    if (ou.startsWith('r-')) {
      // A root cannot be described; the accounts' paths name the organization's root.
      return roots.size > 0 ? { exists: false, code: 'RootNotFound', what: `not the root of this organization${ours}, whose root is ${[...roots].join(', ')}` } : { exists: true };
    }
    try {
      const res = await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ou }));
      return { exists: true, ...(res.OrganizationalUnit?.Name ? { name: res.OrganizationalUnit.Name } : {}) };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'OrganizationalUnitNotFoundException' || code === 'ChildNotFoundException') return { exists: false, code, what: `this organization${ours} has no such OU (a typo, an OU of another organization, or a deleted OU)` };
      return { exists: false, code, what: `could not be read (${errorMessage(error)}), so whether it holds accounts is unknown` };
    }
  };
  const missing = (field: OuField, ou: string, l: Extract<Lookup, { exists: false }>, consequence: string): SourceError => ({ source: `organization.${field}`, region: GLOBAL_REGION, code: l.code, message: `${ou}: ${l.what}: ${consequence}; ${fix(field)}` });

  // In the stage's order, each OU once; an included OU holding an account in scope needs no look-up.
  const includes = [...new Set(s.includeOus)].filter((ou) => !scoped.some((a) => a.ous.some((o) => o.id === ou)));
  const excludes = [...new Set(s.excludeOus)];
  const looked = await mapLimit([...includes, ...excludes], ORG_CONCURRENCY, lookUp);
  const inc = looked.slice(0, includes.length);
  const exc = looked.slice(includes.length);

  const out: OuChecks = { errors: [], warnings: [], unverifiedExclusions: [] };
  inc.forEach((l, i) => {
    const ou = includes[i] as string;
    if (l.exists) out.warnings.push(`organization.includeOus: ${ou}${l.name ? ` (${l.name})` : ''} exists but holds no account in scope: nothing under it was audited`);
    else out.errors.push(missing('includeOus', ou, l, 'no account under it was audited'));
  });
  exc.forEach((l, i) => {
    const ou = excludes[i] as string;
    if (l.exists) return;
    out.errors.push(missing('excludeOus', ou, l, 'which accounts it should leave out is unknown, so no account was audited (an account meant to be excluded is never audited, remediated or mailed)'));
    out.unverifiedExclusions.push(`${ou} ${l.code}`);
  });
  return out;
}

/**
 * Each `excludeAccounts` id the organization does not list: a warning naming it. Not an error, unlike an
 * unknown excluded OU: AWS removes a closed account from the organization by itself after its post-closure
 * period, so a stale id there comes without any change of the stage, and stopping every audit for it would
 * be an outage nobody asked for; a typo, though, audits the account that was meant, so it is never silent.
 */
export function checkExcludedAccounts(s: OrganizationSettings, listed: ReadonlySet<string>, organizationId: string | undefined): string[] {
  const ours = organizationId ? ` (${organizationId})` : '';
  return [...new Set(s.excludeAccounts)]
    .filter((id) => !listed.has(id))
    .map((id) => `organization.excludeAccounts: ${id} is not an account of this organization${ours}, so it leaves nothing out: if it is a typo, the account meant was audited (fix organization.excludeAccounts or --exclude-accounts); if the account was closed and has left the organization, take it off the list`);
}
