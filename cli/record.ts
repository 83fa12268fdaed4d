import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../shared/aws/clients';
import { AUDITS } from '../shared/audits/index';
import { collectInventory } from '../shared/collect/run';
import type { Config } from '../shared/config/index';
import type { Log } from '../shared/logger';
import type { SourceId } from '../shared/collect/inventory';
import type { SourceError } from '../shared/collect/outcome';
import type { Inventory } from '../shared/collect/inventory';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { OpsbotsError } from '../shared/errors';
import { capture } from '../shared/collect/outcome';
import { oneLine } from './output';
import { mapLimit } from '../shared/concurrency';
import { GLOBAL_REGION } from '../shared/model';
import type { OrganizationSettings } from '../shared/org/config';
import { AssumeRoleError, assumeMember } from '../shared/org/credentials';
import { discover } from '../shared/org/discover';
import { MANAGEMENT_DIR } from '../shared/org/recording';
import { newRunId } from '../shared/org/steps';
import { auditItems } from '../shared/org/types';

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

export interface OrgRecorded {
  readonly operations: number;
  /** Per member account: what could not be read, or why its role could not be assumed. */
  readonly accounts: readonly { readonly id: string; readonly plan: string; readonly reason?: string; readonly errors: readonly SourceError[] }[];
  readonly discoveryErrors: readonly SourceError[];
}

/**
 * `record --org`: the caller's Organizations and STS calls into `<dir>/management`, each member's read calls
 * (through its own role session) into `<dir>/accounts/<id>`, and meta.json with the run id, so that
 * `run --replay <dir>` replays the same discovery and role assumptions. Never remediates.
 */
export async function recordOrg(opts: { config: Config; org: OrganizationSettings; dir: string; regions?: readonly string[]; log: Log }): Promise<OrgRecorded> {
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
  const items = auditItems(discovery);
  const members = await mapLimit(items, opts.org.accountConcurrency, async (item) => {
    try {
      const access = await assumeMember({ sts: clients.get(STSClient, 'sts'), partition: item.partition, accountId: item.account.id, roleName: opts.org.roleName, runId, sessionSeconds: opts.org.sessionSeconds, ...(opts.org.externalId ? { externalId: opts.org.externalId } : {}) });
      const member = new Clients({ ...base, credentials: access.credentials, stats: clients.stats, recordDir: join(opts.dir, 'accounts', item.account.id) });
      try {
        const inventory = await recordAccount(member, opts.config, opts.regions, opts.log, now, item.account.name);
        return { id: item.account.id, errors: inventory.errors };
      } finally {
        member.destroy();
      }
    } catch (error) {
      if (!(error instanceof AssumeRoleError)) throw error;
      return { id: item.account.id, errors: [{ source: 'sts.assumeRole', region: GLOBAL_REGION, code: error.code, message: error.message }] };
    }
  });
  clients.destroy();
  writeFileSync(join(opts.dir, 'meta.json'), `${JSON.stringify({ description: 'opsbots organization recording', organization: true, runId, recordedAt: now.toISOString(), management: discovery.caller }, null, 2)}\n`);
  const errorsOf = new Map(members.map((m) => [m.id, m.errors]));
  return {
    operations: clients.stats.rows().length,
    accounts: discovery.accounts.map((a) => ({ id: a.id, plan: a.plan, ...(a.reason ? { reason: a.reason } : {}), errors: errorsOf.get(a.id) ?? [] })),
    discoveryErrors: discovery.errors,
  };
}
