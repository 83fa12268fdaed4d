import type { Inventory, Sources } from '../shared/collect/inventory';
import type { SourceError } from '../shared/collect/outcome';
import type { CredentialUser, ReportDate } from '../shared/collect/credential-report';
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
