import { IAMClient, paginateListAccessKeys } from '@aws-sdk/client-iam';
import { GLOBAL_SERVICE_REGION } from '../aws/clients';
import { mapLimit } from '../concurrency';
import { CollectionError, errorCode } from '../errors';
import { GLOBAL_REGION } from '../model';
import { capture, ok, type Outcome } from './outcome';
import { daysSince } from '../dates';
import { CREDENTIAL_REPORT_ACTIONS, credentialReportFor, type CredentialReport, type CredentialReportOptions, type ReportAccessKey } from './credential-report';
import { IAM_PAGE_SIZE } from './iam-users';
import type { Collector, CollectContext } from './types';

export interface ListedKey {
  readonly id: string;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt: string;
}

/**
 * Access key ids, which the credential report lacks, for the users holding an active key the run's audits
 * could report (the keys findings name and the remediation deactivates). Per such user: one ListAccessKeys.
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
export function keyHolders(report: CredentialReport, now: Date, scopes?: readonly KeyScope[]): string[] {
  return report.users.filter((u) => !u.isRoot && u.accessKeys.some((k) => k.active && (!scopes || mayBeReported(k, now, scopes)))).map((u) => u.user);
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
    if (errorCode(error) === 'NoSuchEntityException' || errorCode(error) === 'NoSuchEntity') return [];
    throw error;
  }
  return keys;
}

/** ListAccessKeys for each key holder in the run's report, `ctx.concurrency` at a time, errors kept per user. */
export async function readAccessKeys(ctx: CollectContext, options: CredentialReportOptions = {}): Promise<AccessKeys> {
  let report: CredentialReport;
  try {
    report = await credentialReportFor(ctx, options);
  } catch (error) {
    throw new CollectionError(`key ids not read: the credential report could not be read (${errorCode(error)})`, SOURCE, GLOBAL_REGION, 'CredentialReportUnavailable', { cause: error });
  }
  const iam = ctx.clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION);
  const users = keyHolders(report, ctx.now, ctx.scope?.['iam.accessKeys']);
  const outcomes = await mapLimit(users, ctx.concurrency, (user) => capture(SOURCE, GLOBAL_REGION, () => listKeys(iam, user)));
  return { byUser: Object.fromEntries(users.map((u, i) => [u, outcomes[i] ?? ok([])])) };
}

export function accessKeysCollector(options: CredentialReportOptions = {}): Collector<'iam.accessKeys'> {
  return {
    id: SOURCE,
    iamActions: ['iam:ListAccessKeys', ...CREDENTIAL_REPORT_ACTIONS],
    regional: false,
    collect: (ctx) => capture(SOURCE, GLOBAL_REGION, () => readAccessKeys(ctx, options)),
  };
}
