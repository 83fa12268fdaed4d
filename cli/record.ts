import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clients, type ClientOptions } from '../shared/aws/clients';
import { AUDITS } from '../shared/audits/index';
import { collectInventory } from '../shared/collect/run';
import type { Config } from '../shared/config/index';
import type { Log } from '../shared/logger';
import type { SourceId } from '../shared/collect/inventory';
import type { SourceError } from '../shared/collect/outcome';
import type { Inventory } from '../shared/collect/inventory';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { OpsbotsError, errorCode, errorMessage } from '../shared/errors';
import { capture } from '../shared/collect/outcome';
import { oneLine } from './output';
import { mapLimit } from '../shared/concurrency';
import { GLOBAL_REGION } from '../shared/model';
import type { OrganizationSettings } from '../shared/org/config';
import { AssumeRoleError, assumeMember, memberRoleArn } from '../shared/org/credentials';
import { ASSUME_SOURCE } from '../shared/org/account';
import { discover } from '../shared/org/discover';
import { MANAGEMENT_DIR } from '../shared/org/recording';
import { newRunId, type OrgRunProgress } from '../shared/org/steps';
import { auditItems, type AccountItem } from '../shared/org/types';

/** The recording was refused: nothing was written (exit 2). */
export class NotRecordedError extends OpsbotsError {}

/** `source@region code`: how record names what it could not read. */
export const unreadable = (e: SourceError): string => `${e.source}@${e.region} ${e.code}`;

/**
 * Who is being recorded, before anything is written: a recording without its account id would replay as
 * nobody's account. Without credentials (or with an expired session) this is where it stops.
 */
async function identify(config: Config): Promise<string> {
  const probe = new Clients({ maxAttempts: config.maxAttempts, defaultRegion: config.region });
  try {
    const me = await capture('sts.callerIdentity', GLOBAL_REGION, () => probe.get(STSClient, 'sts').send(new GetCallerIdentityCommand({})));
    if (!me.ok) throw new NotRecordedError(`nothing recorded: the account could not be identified: ${unreadable(me.error)}: ${oneLine(me.error.message, 200)}`);
    if (!me.value.Account) throw new NotRecordedError('nothing recorded: sts GetCallerIdentity returned no account id');
    return me.value.Account;
  } finally {
    probe.destroy();
  }
}

/**
 * Records every read call the registered audits' collectors make (responses redacted of secrets) into
 * `dir`, in the layout `--replay` reads. Returns the number of operations recorded and the sources and
 * regions that answered an error (recorded too: a replay reports them the same way). Refuses, writing
 * nothing, when the account cannot be identified (NotRecordedError).
 */
export async function record(opts: { config: Config; dir: string; regions?: readonly string[]; log: Log }): Promise<{ account: string; operations: number; errors: readonly SourceError[] }> {
  const account = await identify(opts.config);
  mkdirSync(opts.dir, { recursive: true });
  const clients = new Clients({ maxAttempts: opts.config.maxAttempts, recordDir: opts.dir, defaultRegion: opts.config.region });
  const now = new Date();
  const inventory = await recordAccount(clients, opts.config, opts.regions, opts.log, now);
  writeFileSync(join(opts.dir, 'meta.json'), `${JSON.stringify({ description: 'opsbots recording', recordedAt: now.toISOString(), account }, null, 2)}\n`);
  return { account, operations: clients.stats.rows().length, errors: inventory.errors };
}

/** Every source the registered audits read, through `clients` (which record). */
function recordAccount(clients: Clients, config: Config, regions: readonly string[] | undefined, log: Log, now: Date, alias = config.account.alias): Promise<Inventory> {
  const sources = [...new Set(AUDITS.flatMap((a) => a.sources))] as SourceId[];
  return collectInventory({ clients, sources, regions: regions ?? config.regions, concurrency: config.concurrency, iamConcurrency: config.iamConcurrency, accountAlias: alias, log, now });
}

/** A member account in scope that has no recording, and why (meta.json `notRecorded`). */
export interface NotRecordedAccount {
  readonly code: string;
  readonly reason: string;
}

export interface OrgRecorded {
  readonly operations: number;
  /** Per account in scope: its plan, and what of it could not be read (recorded as errors: a replay reports them). */
  readonly accounts: readonly { readonly id: string; readonly plan: string; readonly reason?: string; readonly errors: readonly SourceError[]; readonly notRecorded?: NotRecordedAccount }[];
  readonly discoveryErrors: readonly SourceError[];
}

/**
 * `record --org`: the caller's Organizations and STS calls into `<dir>/management`, each member's read calls
 * (through its own role session) into `<dir>/accounts/<id>`, and meta.json with the run id, so that
 * `run --replay <dir>` replays the same discovery and role assumptions. An account that cannot be recorded
 * (its role cannot be assumed, or its recording failed) does not stop the others: meta.json names it under
 * `notRecorded` with the code and reason, and `unreadable` lists every source that answered an error, so
 * the recording says itself what it lacks. Never remediates.
 */
export async function recordOrg(opts: { config: Config; org: OrganizationSettings; dir: string; regions?: readonly string[]; log: Log; progress?: OrgRunProgress }): Promise<OrgRecorded> {
  await identify(opts.config);
  const existed = existsSync(opts.dir);
  mkdirSync(opts.dir, { recursive: true });
  const base = { maxAttempts: opts.config.maxAttempts, defaultRegion: opts.config.region, requestTimeoutMs: opts.config.deadlines.requestSeconds * 1000 };
  const clients = new Clients({ ...base, recordDir: join(opts.dir, MANAGEMENT_DIR) });
  const now = new Date();
  const runId = newRunId(now);
  const ownerTag = opts.config.notify?.accountOwnerTag;
  // The owner tag is read as a run reads it, so a replay finds the tags in the recording.
  const discovery = await discover({ clients, settings: opts.org, runId, log: opts.log, now, ...(ownerTag ? { ownerTag } : {}) });
  const unread = discovery.errors.find((e) => e.source === 'organizations.accounts');
  if (unread) {
    clients.destroy();
    if (!existed) rmSync(opts.dir, { recursive: true, force: true });
    throw new NotRecordedError(`nothing recorded: the organization could not be read: ${unreadable(unread)}: ${oneLine(unread.message, 200)}`);
  }
  opts.progress?.discovered(discovery);
  const items = auditItems(discovery);
  const members = await mapLimit(items, opts.org.accountConcurrency, async (item) => {
    const recorded = await recordMember(opts, clients.get(STSClient, 'sts'), clients.stats, base, item, now);
    opts.progress?.accountDone(item.account.id, recorded.notRecorded !== undefined);
    return recorded;
  });
  clients.destroy();
  const byId = new Map(members.map((m) => [m.id, m]));
  const accounts = discovery.accounts.map((a) => {
    const m = byId.get(a.id);
    return { id: a.id, plan: a.plan, ...(a.reason ? { reason: a.reason } : {}), errors: m?.errors ?? [], ...(m?.notRecorded ? { notRecorded: m.notRecorded } : {}) };
  });
  const notRecorded = Object.fromEntries(accounts.flatMap((a) => (a.notRecorded ? [[a.id, a.notRecorded]] : [])));
  const gap = (account: string | undefined) => (e: SourceError) => ({ ...(account ? { account } : {}), source: e.source, region: e.region, code: e.code });
  const unreadableSources = [...new Map([...discovery.errors.map(gap(undefined)), ...accounts.flatMap((a) => (a.notRecorded ? [] : a.errors.map(gap(a.id))))].map((g) => [JSON.stringify(g), g])).values()];
  const meta = { description: 'opsbots organization recording', organization: true, runId, recordedAt: now.toISOString(), management: discovery.caller, complete: Object.keys(notRecorded).length === 0 && unreadableSources.length === 0, notRecorded, unreadable: unreadableSources };
  writeFileSync(join(opts.dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return { operations: clients.stats.rows().length, accounts, discoveryErrors: discovery.errors };
}

/**
 * One member, through its own role session into `accounts/<id>`. Never throws: a role that cannot be assumed,
 * or anything else that stops the member's recording, comes back as `notRecorded` (fail closed, the others go on).
 */
async function recordMember(opts: { config: Config; org: OrganizationSettings; dir: string; regions?: readonly string[]; log: Log }, sts: STSClient, stats: Clients['stats'], base: ClientOptions, item: AccountItem, now: Date): Promise<{ id: string; errors: readonly SourceError[]; notRecorded?: NotRecordedAccount }> {
  const id = item.account.id;
  let access;
  try {
    access = await assumeMember({ sts, partition: item.partition, accountId: id, roleName: opts.org.roleName, runId: item.runId, sessionSeconds: opts.org.sessionSeconds, ...(opts.org.externalId ? { externalId: opts.org.externalId } : {}) });
  } catch (error) {
    const code = error instanceof AssumeRoleError ? error.code : errorCode(error);
    const roleArn = error instanceof AssumeRoleError ? error.roleArn : memberRoleArn(item.partition, id, opts.org.roleName);
    return { id, errors: [{ source: ASSUME_SOURCE, region: GLOBAL_REGION, code, message: errorMessage(error) }], notRecorded: { code, reason: `could not assume ${roleArn}: ${code}` } };
  }
  const member = new Clients({ ...base, credentials: access.credentials, stats, recordDir: join(opts.dir, 'accounts', id) });
  try {
    const inventory = await recordAccount(member, opts.config, opts.regions, opts.log, now, item.account.name);
    return { id, errors: inventory.errors };
  } catch (error) {
    const code = errorCode(error);
    opts.log.error('member recording failed', { account: id, code, error: errorMessage(error) });
    return { id, errors: [], notRecorded: { code, reason: `its recording failed: ${code}: ${oneLine(errorMessage(error), 200)}` } };
  } finally {
    member.destroy();
  }
}

/** Each `source@region code` once (a source can fail for several audits, or several pages, the same way). */
export const distinct = (errors: readonly SourceError[]): string[] => [...new Set(errors.map(unreadable))];

/**
 * What `record --org` prints: every account in scope on stdout; on stderr, when anything is missing, one
 * line per account not recorded and per source not readable (the exit code is then 2).
 */
export function orgRecordLines(dir: string, recorded: OrgRecorded): { readonly out: string[]; readonly err: string[] } {
  const out = [`recorded the organization into ${dir}: ${recorded.accounts.length} accounts in scope`];
  const gaps = distinct(recorded.discoveryErrors).map((e) => `  organization not readable: ${e}`);
  for (const a of recorded.accounts) {
    if (a.notRecorded) {
      out.push(`  ${a.id} NOT RECORDED: ${a.notRecorded.reason}`);
      gaps.push(`  ${a.id} not recorded: ${a.notRecorded.reason}`);
      continue;
    }
    const unread = distinct(a.errors);
    out.push(`  ${a.id} ${a.plan === 'audit' ? `recorded${unread.map((e) => `; not readable: ${e}`).join('')}` : `${a.plan}: ${a.reason ?? ''}`}`);
    for (const e of unread) gaps.push(`  ${a.id} not readable: ${e}`);
  }
  const accounts = recorded.accounts.filter((a) => a.notRecorded).length;
  const err = gaps.length === 0 ? [] : [`opsbots: recording incomplete: ${accounts} account${accounts === 1 ? '' : 's'} not recorded, ${gaps.length - accounts} source${gaps.length - accounts === 1 ? '' : 's'} not readable (a replay reports each as ERROR):`, ...gaps];
  return { out, err };
}
