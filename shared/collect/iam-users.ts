import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  IAMClient,
  paginateListAccessKeys,
  paginateListMFADevices,
  paginateListUsers,
  type AccessKeyMetadata,
  type MFADevice,
  type User,
} from '@aws-sdk/client-iam';
import { GLOBAL_SERVICE_REGION } from '../aws/clients';
import { CollectionError, errorCode } from '../errors';
import { mapLimit } from '../concurrency';
import { GLOBAL_REGION } from '../model';
import { capture, type Outcome } from './outcome';
import { CREDENTIAL_REPORT_ACTIONS, credentialReportFor, reportDate, type CredentialReport, type CredentialReportOptions, type CredentialUser, type ReportAccessKey, type ReportDate } from './credential-report';
import { sameSecond } from './key-match';
import type { Collector, CollectContext } from './types';

/** IAM's largest page for List* calls. */
export const IAM_PAGE_SIZE = 1000;

/** Per-user IAM calls in flight at most when the stage sets none (IAM throttles early). */
export const IAM_CONCURRENCY = 4;

/** Users missing from the report read one by one at most; beyond this they are ERROR, never PASS. */
export const MISSING_USER_LIMIT = 50;

export interface ListedUser {
  readonly user: string;
  readonly arn: string;
  readonly createdAt: string;
}

/** A user ListUsers returned that the credential report does not describe (created or re-created after it). */
export interface MissingUser extends ListedUser {
  /** The user read through the API, in the report's shape; null when over MISSING_USER_LIMIT. */
  readonly read: Outcome<CredentialUser> | null;
}

export interface IamUsers {
  /** Every IAM user that exists now (ListUsers). */
  readonly listed: readonly ListedUser[];
  /** Listed users the report lacks, evaluated individually. */
  readonly missing: readonly MissingUser[];
}

declare module './inventory' {
  interface Sources {
    'iam.users': Outcome<IamUsers>;
  }
}

const SOURCE = 'iam.users';

export { sameSecond };

/** Records by user name, filled in one pass (no [name, record] pair per user to collect). */
export function byUserName<T extends { readonly user: string }>(records: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of records) out.set(r.user, r);
  return out;
}

/** Whether the report holds this listed user with the same creation time (else it is new, or deleted and re-created). */
const inReport = (l: ListedUser, row: CredentialUser | undefined): boolean => row !== undefined && sameSecond(row.createdAt.at, l.createdAt);

/**
 * The listed user with the report row's strings where they are equal: a user's name, ARN and creation time
 * are then held once for the run, not once per source.
 */
function sharingReport(l: ListedUser, row: CredentialUser | undefined): ListedUser {
  if (!row) return l;
  return {
    user: row.user === l.user ? row.user : l.user,
    arn: row.arn === l.arn ? row.arn : l.arn,
    createdAt: row.createdAt.at === l.createdAt ? row.createdAt.at : l.createdAt,
  };
}

const iso = (d: Date | string | undefined): ReportDate => (d ? reportDate(new Date(d).toISOString()) : { at: null, raw: 'N/A' });

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/**
 * One user read the way the report would describe it: GetLoginProfile (NoSuchEntity = no console
 * password), ListMFADevices (assigned devices only), ListAccessKeys, GetAccessKeyLastUsed for active keys.
 */
export async function readUser(iam: IAMClient, listed: ListedUser, passwordLastUsed: Date | string | undefined): Promise<CredentialUser> {
  let passwordEnabled = false;
  let passwordLastChanged: ReportDate = { at: null, raw: 'N/A' };
  try {
    const profile = await iam.send(new GetLoginProfileCommand({ UserName: listed.user }));
    passwordEnabled = true;
    passwordLastChanged = iso(profile.LoginProfile?.CreateDate);
  } catch (error) {
    if (errorCode(error) !== 'NoSuchEntityException' && errorCode(error) !== 'NoSuchEntity') throw error;
  }
  const mfaPages = await all(paginateListMFADevices({ client: iam, pageSize: IAM_PAGE_SIZE }, { UserName: listed.user }));
  const mfa: MFADevice[] = mfaPages.flatMap((p) => p.MFADevices ?? []);
  const keyPages = await all(paginateListAccessKeys({ client: iam, pageSize: IAM_PAGE_SIZE }, { UserName: listed.user }));
  const keys: AccessKeyMetadata[] = keyPages.flatMap((p) => p.AccessKeyMetadata ?? []).sort((a, b) => Date.parse(String(a.CreateDate)) - Date.parse(String(b.CreateDate)));
  const accessKeys: ReportAccessKey[] = [];
  for (const [i, k] of keys.slice(0, 2).entries()) {
    const active = k.Status === 'Active';
    // Inactive keys are ignored by every audit: do not spend a call on when they were last used.
    const used = active && k.AccessKeyId ? (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }))).AccessKeyLastUsed : undefined;
    accessKeys.push({
      slot: (i + 1) as 1 | 2,
      ...(k.AccessKeyId ? { id: k.AccessKeyId } : {}),
      active,
      lastRotated: iso(k.CreateDate),
      lastUsed: iso(used?.LastUsedDate),
      lastUsedRegion: used?.Region && used.Region !== 'N/A' ? used.Region : null,
      lastUsedService: used?.ServiceName && used.ServiceName !== 'N/A' ? used.ServiceName : null,
    });
  }
  return {
    user: listed.user,
    arn: listed.arn,
    isRoot: false,
    createdAt: iso(listed.createdAt),
    passwordEnabled,
    passwordLastUsed: iso(passwordLastUsed),
    passwordLastChanged,
    mfaActive: mfa.length > 0,
    accessKeys,
  };
}

/** A ListUsers user as kept: its name, ARN and creation time, nothing else of the SDK's object. */
export function listedUser(u: User): ListedUser {
  return { user: u.UserName ?? '', arn: u.Arn ?? '', createdAt: u.CreateDate ? new Date(u.CreateDate).toISOString() : '' };
}

/**
 * ListUsers (max page size) cross-checked against the run's credential report: the report can be up to
 * 4 hours old and omits newer users, so those (up to MISSING_USER_LIMIT) are read one by one. The request
 * count grows with users only by ListUsers pages and the missing users.
 */
export async function readIamUsers(ctx: CollectContext, options: CredentialReportOptions = {}): Promise<IamUsers> {
  const iam = ctx.clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION);
  let report: CredentialReport;
  try {
    report = await credentialReportFor(ctx, options);
  } catch (error) {
    throw new CollectionError(`not cross-checked: the credential report could not be read (${errorCode(error)})`, SOURCE, GLOBAL_REGION, 'CredentialReportUnavailable', { cause: error });
  }
  // Each page is reduced to what is kept as it arrives: the SDK's User objects are never all held at once.
  const rows = byUserName(report.users);
  const listed: ListedUser[] = [];
  const absent: ListedUser[] = [];
  // Only a user the report lacks is read one by one: its last console sign-in is kept, no other's.
  const passwordLastUsed = new Map<string, Date | string>();
  for await (const page of paginateListUsers({ client: iam, pageSize: IAM_PAGE_SIZE }, {})) {
    for (const u of page.Users ?? []) {
      const l = listedUser(u);
      const row = rows.get(l.user);
      if (inReport(l, row)) listed.push(sharingReport(l, row));
      else {
        listed.push(l);
        absent.push(l);
        if (u.PasswordLastUsed && u.UserName) passwordLastUsed.set(u.UserName, u.PasswordLastUsed);
      }
    }
  }
  const missing = await mapLimit(absent, ctx.iamConcurrency ?? IAM_CONCURRENCY, async (l, i): Promise<MissingUser> => {
    if (i >= MISSING_USER_LIMIT) return { ...l, read: null };
    const read = await capture(SOURCE, GLOBAL_REGION, () => readUser(iam, l, passwordLastUsed.get(l.user)));
    return { ...l, read };
  });
  return { listed, missing };
}

export const IAM_USERS_ACTIONS = ['iam:ListUsers', 'iam:GetLoginProfile', 'iam:ListMFADevices', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed'] as const;

export function iamUsersCollector(options: CredentialReportOptions = {}): Collector<'iam.users'> {
  return {
    id: SOURCE,
    // The report's actions too: this source is derived from it even when no audit reads the report itself.
    iamActions: [...IAM_USERS_ACTIONS, ...CREDENTIAL_REPORT_ACTIONS],
    regional: false,
    collect: (ctx) => capture(SOURCE, GLOBAL_REGION, () => readIamUsers(ctx, options)),
  };
}
