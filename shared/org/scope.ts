import type { OrganizationSettings } from './config';
import { SKIPPED_STATES, type OrgAccount, type Plan } from './types';

/** Why an account left the scope, for logs and tests; null = in scope. Pure. */
export type OutReason = 'not-listed' | 'excluded-account' | 'management' | 'not-in-included' | 'excluded-ou' | 'tags';

function tagMatches(tags: Readonly<Record<string, string>>, key: string, values: readonly string[]): boolean {
  const v = tags[key];
  return v !== undefined && values.includes(v);
}

/** The filters that need only the account id (applied before reading OUs and tags, to save calls). */
export function outByIdOnly(account: Pick<OrgAccount, 'id' | 'management'>, s: OrganizationSettings): OutReason | null {
  if (s.accounts !== 'all' && !s.accounts.includes(account.id)) return 'not-listed';
  if (s.excludeAccounts.includes(account.id)) return 'excluded-account';
  if (account.management && !s.includeManagementAccount) return 'management';
  return null;
}

/** Whether `s` needs the accounts' tags. */
export function needsTags(s: OrganizationSettings): boolean {
  return Object.keys(s.includeTags).length > 0 || Object.keys(s.excludeTags).length > 0;
}

/**
 * The whole scope rule. An OU includes its children: an account is under an OU when that OU is anywhere on
 * its path from the root. `includeAccounts` adds accounts to what `includeOus` selects; every exclusion wins.
 */
export function outOfScope(account: OrgAccount, s: OrganizationSettings): OutReason | null {
  const byId = outByIdOnly(account, s);
  if (byId) return byId;
  const path = account.ous.map((o) => o.id);
  const selective = s.includeOus.length > 0 || s.includeAccounts.length > 0;
  if (selective && !s.includeAccounts.includes(account.id) && !s.includeOus.some((ou) => path.includes(ou))) return 'not-in-included';
  if (s.excludeOus.some((ou) => path.includes(ou))) return 'excluded-ou';
  const tags = account.tags ?? {};
  if (Object.entries(s.includeTags).some(([k, values]) => !tagMatches(tags, k, values))) return 'tags';
  if (Object.entries(s.excludeTags).some(([k, values]) => tagMatches(tags, k, values))) return 'tags';
  return null;
}

/** What the run does with an account in scope, from its Organizations state. */
export function planFor(state: string): { plan: Plan; reason?: string } {
  if (state === 'ACTIVE') return { plan: 'audit' };
  if ((SKIPPED_STATES as readonly string[]).includes(state)) return { plan: 'skip', reason: state };
  // PENDING_ACTIVATION, UNKNOWN or a state this code does not know: not audited, and the report says so.
  return { plan: 'not-audited', reason: `account state ${state}` };
}
