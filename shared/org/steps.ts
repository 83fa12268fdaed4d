import { randomBytes } from 'node:crypto';
import { formatUtc } from '../dates';
import { mapLimit } from '../concurrency';
import { ConfigError, errorCode, errorMessage } from '../errors';
import { parseOrThrow } from '../config/issues';
import type { Report, ReportState } from '../report';
import { auditAccount, type AccountRunOptions } from './account';
import { aggregate } from './aggregate';
import { resolveAuditIds } from '../run';
import { partKey, planParts } from './parts';
import { runIdSchema, type OrgResultStore } from './store';
import { auditItems, type AccountItem, type Discovery } from './types';
import { countFindings, type Counts } from '../model';
import type { StateStore } from '../state/store';
import { sendOwnerMail, withOwnerPlan, type OwnerDelivery } from './owner-mail';

/**
 * The three steps of an organization run, each a thin adapter's whole body: the Step Functions Lambdas
 * call one step each, the CLI calls all three in a loop (runOrganization). Inputs and outputs are small
 * JSON; everything large goes through the results store under the run id.
 */
export interface OrgSteps extends AccountRunOptions {
  readonly store: OrgResultStore;
  /** The state payload the Map's items and outcomes must fit (the discover Lambda: STATE_PAYLOAD_BYTES); absent (the CLI): no limit. */
  readonly mapPayloadLimit?: number;
  /** `sendWhen: changes` for owner mail: each account's previous findings (absent: unknown, so the mail is sent). */
  readonly ownerState?: (accountId: string) => StateStore;
}

/** Step Functions' limit on a state's input and output: the Map's inline items and its outcomes travel in it. */
export const STATE_PAYLOAD_BYTES = 256 * 1024;

/** The longest error name an outcome is assumed to carry (Sandbox.Timedout, States.TaskFailed, OrgStoreError...). */
const OUTCOME_ERROR = 'E'.repeat(48);

/**
 * The Map state's output, estimated from its items: the discover output it receives plus one outcome per item
 * (`{accountId, part?, error}`, the longer of an outcome's two shapes).
 */
export function mapPayloadBytes(output: DiscoverOutput): number {
  const input = Buffer.byteLength(JSON.stringify({ ...output, dryRun: false }));
  const outcomes = output.items.reduce((n, i) => n + 1 + Buffer.byteLength(JSON.stringify({ accountId: i.account.id, ...(i.part === undefined ? {} : { part: i.part }), error: OUTCOME_ERROR })), '"outcomes":[]'.length);
  return input + outcomes;
}

/** The run's parts per account (organization.splitRegions), or undefined: refused bad combinations before any AWS call. */
function partsOf(steps: OrgSteps): string[] | undefined {
  return planParts({ audits: resolveAuditIds(steps.auditIds), regions: steps.regions ?? steps.config.regions, splitRegions: steps.org.splitRegions, configured: steps.config.audits });
}

/** `20261203T083000Z-1a2b3c`: sortable, unique enough, valid as an execution name, S3 key part and session name. */
export function newRunId(now = new Date()): string {
  return `${formatUtc(now, "yyyyMMdd'T'HHmmss'Z'")}-${randomBytes(3).toString('hex')}`;
}

/** Output of the discover step: the Map state's items. */
export interface DiscoverOutput {
  readonly runId: string;
  readonly items: readonly AccountItem[];
}

/**
 * The stage's `organization.id` against the organization the credentials read: a mismatch would have every
 * AssumeRole denied by the deployed condition (aws:ResourceOrgID), so it stops the run here, naming both.
 */
export function checkOrganizationId(configured: string | undefined, read: string | undefined): void {
  if (configured === undefined || read === undefined || configured === read) return;
  throw new ConfigError(`organization.id: the stage says ${configured} but these credentials belong to organization ${read}: correct organization.id (aws organizations describe-organization) or run with the other organization's credentials`, [{ field: 'organization.id', message: `not ${read}` }]);
}

/** Discover step: reads the organization, stores the discovery under the run id, returns the accounts to audit. */
export async function discoverStep(steps: OrgSteps, input: { runId?: string } = {}): Promise<DiscoverOutput> {
  const runId = input.runId === undefined ? newRunId(steps.now) : parseOrThrow('discover input', runIdSchema, input.runId, ['runId']);
  const parts = partsOf(steps);
  // Loaded here: a run of one account never loads the Organizations client.
  const { discover } = await import('./discover');
  const ownerTag = steps.config.notify?.accountOwnerTag;
  const read = await discover({ clients: steps.clients, settings: steps.org, runId, log: steps.log, now: steps.now, ...(ownerTag ? { ownerTag } : {}) });
  checkOrganizationId(steps.org.id, read.organizationId);
  const discovery = parts ? { ...read, parts } : read;
  const output = { runId, items: auditItems(discovery) };
  const bytes = mapPayloadBytes(output);
  if (steps.mapPayloadLimit !== undefined && bytes > steps.mapPayloadLimit) {
    const accounts = discovery.accounts.filter((a) => a.plan === 'audit').length;
    const what = parts ? `${accounts} accounts x ${parts.length} parts (organization.splitRegions)` : `${accounts} accounts`;
    throw new ConfigError(
      `organization: this run's Map would carry ${output.items.length} items (${what}), about ${Math.ceil(bytes / 1024)} KB with their outcomes, over the ${Math.floor(steps.mapPayloadLimit / 1024)} KB Step Functions state payload: narrow the scope (includeOus, accounts, excludeOus), list fewer regions or turn organization.splitRegions off, or run it with the CLI (opsbots run --org), which has no such limit`,
      [{ field: 'organization', message: `${output.items.length} Map items do not fit the state payload` }],
    );
  }
  await steps.store.putDiscovery(discovery);
  return output;
}

/** Output of the account step: a few numbers for the execution history (the result itself is stored). */
export interface AccountOutput {
  readonly accountId: string;
  /** The item's part (splitRegions). */
  readonly part?: string;
  readonly assumed: boolean;
  readonly state: ReportState;
  readonly counts: Counts;
}

/** Account step: audits one member account and stores its result. Throws only when the result cannot be stored. */
export async function accountStep(steps: OrgSteps, item: AccountItem): Promise<AccountOutput> {
  if (item.part !== undefined && !(partsOf(steps) ?? []).includes(item.part)) {
    throw new ConfigError(`part: "${item.part}" is not a part of this stage's run (${partsOf(steps)?.join(', ') ?? 'organization.splitRegions is off'}): the stage changed since discovery?`, [{ field: 'part', message: `not a part: ${item.part}` }]);
  }
  const result = await auditAccount(steps, item);
  await steps.store.putResult(result);
  return { accountId: item.account.id, ...(item.part === undefined ? {} : { part: item.part }), assumed: result.assumed, state: result.report.state, counts: countFindings(result.report.findings) };
}

/**
 * Aggregate step: one report for the organization, with its owner-mail plan when the stage names an owner
 * tag. Rendering and delivery follow, as for any Report; then ownerMailStep.
 */
export async function aggregateStep(steps: OrgSteps, input: { runId: string; failures?: ReadonlyMap<string, string> }): Promise<Report> {
  const runId = parseOrThrow('aggregate input', runIdSchema, input.runId, ['runId']);
  const ownerTag = steps.config.notify?.accountOwnerTag;
  const report = await aggregate({ store: steps.store, runId, config: steps.config, auditIds: steps.auditIds, dryRun: steps.dryRun, log: steps.log, now: steps.now, ...(input.failures ? { failures: input.failures } : {}), ...(ownerTag ? { ownerTag } : {}) });
  return withOwnerPlan(report, ownerTag);
}

/**
 * After the organization report was delivered: each planned owner gets their account's part
 * (shared/org/owner-mail.ts). Returns every message's outcome; `ownerFailures` of it are delivery failures.
 */
export function ownerMailStep(steps: OrgSteps, report: Report): Promise<OwnerDelivery[]> {
  return sendOwnerMail({ config: steps.config, report, clients: steps.clients, dryRun: steps.dryRun, log: steps.log, ...(steps.budget ? { budget: steps.budget } : {}), ...(steps.ownerState ? { state: steps.ownerState } : {}) });
}

/** What an organization run reports as it goes (the CLI's progress line). */
export interface OrgRunProgress {
  /** Discovery is done: every account in scope, with its plan. */
  discovered(discovery: Pick<Discovery, 'accounts'>): void;
  /** One account's step is over; `failed`: it was not audited (role not assumed, or its step failed). */
  accountDone(accountId: string, failed: boolean): void;
}

/**
 * The CLI's fan-out: discover, every account `accountConcurrency` at a time, aggregate. An account step
 * that throws is logged and left without a result, exactly as the state machine's Catch leaves it; the
 * aggregation then names that account as not audited, with the step's error code.
 */
export async function runOrganization(steps: OrgSteps, runId?: string, progress?: OrgRunProgress): Promise<Report> {
  const { runId: id, items } = await discoverStep(steps, runId === undefined ? {} : { runId });
  if (progress) progress.discovered(await steps.store.getDiscovery(id));
  const failures = new Map<string, string>();
  // With splitRegions an account is done when its last part is; it failed when no part of it was audited.
  const left = new Map<string, number>();
  for (const item of items) left.set(item.account.id, (left.get(item.account.id) ?? 0) + 1);
  const audited = new Set<string>();
  const partDone = (accountId: string, ok: boolean): void => {
    if (ok) audited.add(accountId);
    const n = (left.get(accountId) ?? 1) - 1;
    left.set(accountId, n);
    if (n === 0) progress?.accountDone(accountId, !audited.has(accountId));
  };
  // accountConcurrency bounds the steps at once: accounts, or parts of accounts with splitRegions (as the Map's MaxConcurrency).
  await mapLimit(items, steps.org.accountConcurrency, async (item) => {
    try {
      const done = await accountStep(steps, item);
      partDone(item.account.id, done.assumed);
    } catch (error) {
      failures.set(partKey(item.account.id, item.part), errorCode(error));
      steps.log.error('account step failed', { runId: id, account: item.account.id, ...(item.part === undefined ? {} : { part: item.part }), error: errorMessage(error) });
      partDone(item.account.id, false);
    }
  });
  return aggregateStep(steps, { runId: id, failures });
}
