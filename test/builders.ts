import type { Inventory, Sources } from '../shared/collect/inventory';
import type { SourceError } from '../shared/collect/outcome';
import type { CredentialUser, ReportAccessKey, ReportDate } from '../shared/collect/credential-report';
import type { MissingUser } from '../shared/collect/iam-users';
import { normalise, type Config, type StageInput } from '../shared/config/index';
import { ConfigError } from '../shared/errors';

export const ACCOUNT = '123456789012';
export const NOW = '2026-11-20T08:00:00.000Z';

export function date(iso: string | null, raw?: string): ReportDate {
  return iso ? { at: new Date(iso).toISOString(), raw: iso } : { at: null, raw: raw ?? 'N/A' };
}

/** A credential-report user: a console user without MFA or keys unless told otherwise. */
export function user(name: string, over: Partial<CredentialUser> = {}): CredentialUser {
  return {
    user: name,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    isRoot: false,
    createdAt: date('2024-01-01T00:00:00Z'),
    passwordEnabled: true,
    passwordLastUsed: date('2026-11-01T00:00:00Z'),
    passwordLastChanged: date('2024-01-01T00:00:00Z'),
    mfaActive: false,
    accessKeys: [
      { slot: 1, active: false, lastRotated: date(null), lastUsed: date(null), lastUsedRegion: null, lastUsedService: null },
      { slot: 2, active: false, lastRotated: date(null), lastUsed: date(null), lastUsedRegion: null, lastUsedService: null },
    ],
    ...over,
  };
}

export function rootUser(over: Partial<CredentialUser> = {}): CredentialUser {
  return user('<root_account>', { arn: `arn:aws:iam::${ACCOUNT}:root`, isRoot: true, passwordEnabled: null, mfaActive: true, ...over });
}

export interface InventoryParts {
  users?: CredentialUser[];
  reportGeneratedAt?: string;
  sources?: Partial<Sources>;
  errors?: SourceError[];
  regions?: string[];
  now?: string;
}

/** An inventory as collectors would return it; `users` fills the credential report. */
export function buildInventory(parts: InventoryParts = {}): Inventory {
  const sources: Partial<Sources> = { ...parts.sources };
  if (parts.users) sources['iam.credentialReport'] = { ok: true, value: { generatedAt: parts.reportGeneratedAt ?? NOW, users: parts.users } };
  return { account: { id: ACCOUNT, partition: 'aws' }, collectedAt: parts.now ?? NOW, regions: parts.regions ?? [], sources, errors: parts.errors ?? [] };
}

export function sourceError(source: string, region: string, code = 'AccessDenied'): SourceError {
  return { source, region, code, message: `User is not authorized (${code})` };
}

export function buildConfig(input: StageInput = {}, stage = 'test'): Config {
  return normalise(stage, input);
}

/** A credential-report access key slot: active, created and last used as told (null = `N/A`). */
export function accessKey(slot: 1 | 2, created: string | null, lastUsed: string | null = null, over: Partial<ReportAccessKey> = {}): ReportAccessKey {
  return { slot, active: true, lastRotated: date(created), lastUsed: date(lastUsed), lastUsedRegion: lastUsed ? 'us-east-1' : null, lastUsedService: lastUsed ? 's3' : null, ...over };
}

/** A user holding the given key slots (padded to two with inactive, never-created slots), no console password. */
export function keyUser(name: string, keys: ReportAccessKey[], over: Partial<CredentialUser> = {}): CredentialUser {
  const padded = [1, 2].map((slot) => keys.find((k) => k.slot === slot) ?? accessKey(slot as 1 | 2, null, null, { active: false }));
  return user(name, { passwordEnabled: false, accessKeys: padded, ...over });
}

/**
 * The identity sources derived from the report: `iam.users` listing every report user (plus `missing`),
 * and `iam.accessKeys` with an id `AKIA<USER>_<slot>` for each active key of each report user.
 */
export function identitySources(users: CredentialUser[], missing: MissingUser[] = []): Partial<Sources> {
  const people = users.filter((u) => !u.isRoot);
  const listed = [...people.map((u) => ({ user: u.user, arn: u.arn, createdAt: u.createdAt.at ?? '' })), ...missing.map(({ read: _r, ...l }) => l)];
  const byUser = Object.fromEntries(
    people
      .filter((u) => u.accessKeys.some((k) => k.active))
      .map((u) => [u.user, { ok: true as const, value: u.accessKeys.filter((k) => k.lastRotated.at).map((k) => ({ id: keyId(u.user, k.slot), status: k.active ? ('Active' as const) : ('Inactive' as const), createdAt: k.lastRotated.at ?? '' })) }]),
  );
  return { 'iam.users': { ok: true, value: { listed, missing } }, 'iam.accessKeys': { ok: true, value: { byUser } } };
}

export function keyId(userName: string, slot: 1 | 2): string {
  return `AKIA${userName.toUpperCase()}_${slot}`;
}

/**
 * A ListUsers answer for report users created at `createdAt` (default the builders' 2024-01-01), for
 * tests that mock the credential report: the identity audits cross-check it with ListUsers.
 */
export function listedUsers(names: readonly string[], createdAt = '2024-01-01T00:00:00Z') {
  return { Users: names.map((n) => ({ UserName: n, UserId: `AIDA${n.toUpperCase()}`, Path: '/', Arn: `arn:aws:iam::${ACCOUNT}:user/${n}`, CreateDate: new Date(createdAt) })), IsTruncated: false };
}

/** A credential report's header as IAM writes it, and a root row with MFA and no keys. */
export const REPORT_HEADER = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
export const REPORT_ROOT_ROW = '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';

/** The message of the ConfigError `fn` throws; fails the test if it throws nothing or something else. */
export function configProblem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
