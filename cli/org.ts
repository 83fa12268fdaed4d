import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Clients } from '../shared/aws/clients';
import { recordedAt } from '../shared/aws/recording';
import { withOverrides } from '../shared/config/index';
import { ConfigError, OpsbotsError } from '../shared/errors';
import { resolveAuditIds } from '../shared/run';
import { accountIdSchema, defaultOrganization, organizationSchema, ouIdSchema, roleNameSchema, externalIdSchema, type OrganizationSettings } from '../shared/org/config';
import { DirOrgStore } from '../shared/org/store';
import { MANAGEMENT_DIR, memberDir, orgRecording, requireOrgRecording } from '../shared/org/recording';
import { newRunId, orgChangeStep, ownerMailStep, runOrganization, type OrgRunProgress } from '../shared/org/steps';
import { ownerFailures } from '../shared/org/owner-mail';
import { ownedAccounts } from '../shared/org/changes';
import { DirStateStore } from '../shared/state/dir';
import { EXIT } from './output';
import { deliverRun, type CliRunOptions, type CliRunResult } from './run';

/** The `--org` family of options, as commander gives them. */
export interface OrgFlags {
  readonly org?: boolean;
  readonly accounts?: string;
  readonly includeOus?: string;
  readonly excludeOus?: string;
  readonly includeAccounts?: string;
  readonly excludeAccounts?: string;
  readonly roleName?: string;
  readonly externalId?: string;
  readonly accountConcurrency?: string;
  readonly includeManagementAccount?: boolean;
  /** `run --split-regions`: organization.splitRegions for this run. */
  readonly splitRegions?: boolean;
}

function list(flag: string, value: string | undefined, item: z.ZodType<string>): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (items.length === 0) throw new ConfigError(`${flag}: empty list`, [{ field: flag, message: 'empty' }]);
  for (const v of items) {
    const r = item.safeParse(v);
    if (!r.success) throw new ConfigError(`${flag}: "${v}": ${r.error.issues[0]?.message ?? 'invalid'}`, [{ field: flag, message: `bad value ${v}` }]);
  }
  return items;
}

function one(flag: string, value: string | undefined, schema: z.ZodType<string>): string | undefined {
  return value === undefined ? undefined : list(flag, value, schema)?.[0];
}

/** Whether the run audits an organization: `--org`, `--accounts`, or replaying an organization recording. */
export function isOrgRun(flags: OrgFlags, replayDir?: string): boolean {
  return flags.org === true || flags.accounts !== undefined || (replayDir !== undefined && orgRecording(replayDir) !== undefined);
}

/** The stage's `organization` block (or its defaults) with the command line's options on top, each checked by its flag name. */
export function orgSettings(base: OrganizationSettings | undefined, f: OrgFlags): OrganizationSettings {
  const concurrency = f.accountConcurrency === undefined ? undefined : Number(f.accountConcurrency);
  const merged = {
    ...(base ?? defaultOrganization()),
    ...(f.accounts !== undefined ? { accounts: list('--accounts', f.accounts, accountIdSchema) } : {}),
    ...(f.includeOus !== undefined ? { includeOus: list('--include-ous', f.includeOus, ouIdSchema) } : {}),
    ...(f.excludeOus !== undefined ? { excludeOus: list('--exclude-ous', f.excludeOus, ouIdSchema) } : {}),
    ...(f.includeAccounts !== undefined ? { includeAccounts: list('--include-accounts', f.includeAccounts, accountIdSchema) } : {}),
    ...(f.excludeAccounts !== undefined ? { excludeAccounts: list('--exclude-accounts', f.excludeAccounts, accountIdSchema) } : {}),
    ...(f.roleName !== undefined ? { roleName: one('--role-name', f.roleName, roleNameSchema) } : {}),
    ...(f.externalId !== undefined ? { externalId: one('--external-id', f.externalId, externalIdSchema) } : {}),
    ...(concurrency !== undefined ? { accountConcurrency: concurrency } : {}),
    ...(f.includeManagementAccount ? { includeManagementAccount: true } : {}),
    ...(f.splitRegions ? { splitRegions: true } : {}),
  };
  const parsed = organizationSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const flag = field === 'accountConcurrency' ? '--account-concurrency' : `organization.${field}`;
    throw new ConfigError(`${flag}: ${issue?.message ?? 'invalid'}${field === 'accountConcurrency' ? ' (a whole number from 1 to 50)' : ''}`, [{ field: flag, message: issue?.message ?? 'invalid' }]);
  }
  return parsed.data;
}

/** Replaying an organization recording that could not record this member (meta.json `notRecorded`). */
export class AccountNotRecordedError extends OpsbotsError {
  constructor(accountId: string, reason: string) {
    super(`account ${accountId} is not in the recording: ${reason}`);
    this.name = 'NotRecorded'; // the code the report gives, as for any call the recording lacks
  }
}

export interface CliOrgRunOptions extends CliRunOptions {
  readonly org: OrganizationSettings;
  /** Keep every account's full result here (`<runId>/accounts/<id>.json`); default: a temporary folder, removed after. */
  readonly resultsDir?: string;
  /** Accounts discovered, then done of the total (the terminal's progress line). */
  readonly progress?: OrgRunProgress;
  /**
   * `sendWhen: changes`: each account's previous findings are kept under `<stateDir>/accounts/<id>/`; the
   * organization report and each owner's part are judged on them. Absent: the previous findings are unknown,
   * so every report is sent and says so.
   */
  readonly stateDir?: string;
}

/**
 * `opsbots run --org`: the same discover, account and aggregate steps as the state machine's Lambdas,
 * looped here with the caller's credentials as the management or delegated administrator account.
 * Each account's result goes to a folder and is read back one at a time by the aggregation.
 */
export async function cliOrgRun(opts: CliOrgRunOptions): Promise<CliRunResult> {
  resolveAuditIds(opts.auditIds); // bad ids fail before any AWS call
  const config = withOverrides(opts.config, opts.set, '--set');
  const meta = opts.replayDir ? requireOrgRecording(opts.replayDir) : undefined;
  const replay = (sub: string) => (opts.replayDir ? { replayDir: sub } : {});
  const base = { maxAttempts: config.maxAttempts, passthrough: opts.passthrough, defaultRegion: config.region, requestTimeoutMs: config.deadlines.requestSeconds * 1000 };
  const clients = new Clients({ ...base, ...replay(join(opts.replayDir ?? '', MANAGEMENT_DIR)) });
  // Members count into the caller's stats (one --stats table), but share nothing else.
  // A member the recording names as not recorded is not audited, with the recorded reason: never replayed as empty.
  const memberClients = (id: string, credentials: AwsCredentialIdentityProvider) => {
    const missing = meta?.notRecorded?.[id];
    if (missing) throw new AccountNotRecordedError(id, missing.reason);
    return new Clients({ ...base, credentials, stats: clients.stats, ...replay(memberDir(opts.replayDir ?? '', meta, id)) });
  };
  const temporary = opts.resultsDir === undefined;
  const resultsDir = opts.resultsDir ?? mkdtempSync(join(tmpdir(), 'opsbots-org-'));
  try {
    const now = opts.replayDir ? recordedAt(opts.replayDir) : undefined;
    const stateDir = opts.stateDir;
    const ownerState = stateDir === undefined ? undefined : (id: string) => new DirStateStore(join(stateDir, 'accounts', id));
    const steps = { config, org: opts.org, auditIds: opts.auditIds, clients, memberClients, store: new DirOrgStore(resultsDir), log: opts.log, dryRun: opts.dryRun, regions: opts.regions, now, ...(ownerState ? { ownerState } : {}) };
    const run = await runOrganization(steps, meta?.runId ?? newRunId(now), opts.progress);
    // `sendWhen: changes`: judged per account on `<stateDir>/accounts/<id>/`, read once for the report and the owners' parts.
    const changes = orgChangeStep(steps, run);
    const result = await deliverRun({ ...opts, config, run, clients, ...(changes ? { tracker: changes.orgTracker(ownedAccounts(run)) } : {}) });
    // The organization report (and its files) first; then each owner's part. A failed one is exit 4.
    const owners = await ownerMailStep(steps, run, changes);
    return { ...result, ...(owners.length > 0 ? { owners } : {}), exitCode: ownerFailures(owners).length > 0 ? EXIT.notDelivered : result.exitCode };
  } finally {
    clients.destroy();
    if (temporary) rmSync(resultsDir, { recursive: true, force: true });
  }
}
