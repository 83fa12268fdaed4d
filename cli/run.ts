import { recordedAt } from '../shared/aws/recording';
import { Clients } from '../shared/aws/clients';
import { withOverrides, type Config } from '../shared/config/index';
import { resolveAuditIds, runAudits } from '../shared/run';
import { deliverReport, type ChangeTracker, type Delivery, type Ready } from '../shared/deliver';
import { OpsbotsError, errorMessage } from '../shared/errors';
import { deliverSinks, type SinkResults } from '../shared/sinks';
import type { Changes } from '../shared/state/diff';
import type { Log } from '../shared/logger';
import type { Report } from '../shared/report';
import type { OwnerDelivery } from '../shared/org/owner-mail';
import type { Rendered } from '../reports/index';
import { EXIT, oneLine } from './output';
import { RunBudget } from '../shared/deadline';
import type { EngineOptions } from '../shared/engine';

export interface CliRunOptions {
  readonly config: Config;
  readonly auditIds: readonly string[];
  readonly set?: Record<string, Record<string, unknown>>;
  readonly regions?: readonly string[];
  readonly dryRun: boolean;
  readonly replayDir?: string;
  readonly log: Log;
  /** The webhooks' fetch (tests). */
  readonly fetch?: typeof fetch;
  /** Services that bypass the replay (the demo's local SES). */
  readonly passthrough?: readonly string[];
  /**
   * Called with the run's outputs before anything is sent (write files, print the summary here): a failed
   * delivery then loses nothing. An error it throws is its own, not a delivery failure.
   */
  readonly onReady?: (ready: ReadyOutput) => void | Promise<void>;
  /** Collection progress (sources and regions read of the total). */
  readonly onProgress?: EngineOptions['onProgress'];
}

/** The run's outputs before delivery. */
export interface ReadyOutput extends Ready {
  readonly report: Report;
  readonly clients: Clients;
}

/**
 * The report was produced (and handed to `onReady`) but could not be delivered: exit 4. The message is
 * one line naming the cause; the cause itself is kept in `cause`.
 */
export class UndeliveredError extends OpsbotsError {
  constructor(cause: unknown) {
    super(`report produced but not delivered: ${oneLine(errorMessage(cause))}`, { cause });
  }
}

/**
 * Delivers `run` with the CLI's guarantee: `onReady` sees the outputs before any send, and a failure after
 * that is an UndeliveredError (exit 4). Shared by the account and organization runs.
 */
export async function deliverAfterOutputs(opts: Pick<CliRunOptions, 'dryRun' | 'log' | 'onReady'> & { config: Config; run: Report; clients: Clients; budget?: RunBudget; tracker?: ChangeTracker }): Promise<Omit<CliRunResult, 'exitCode' | 'clients'>> {
  let ready = false;
  const beforeSend = async (r: Ready) => {
    await opts.onReady?.({ ...r, report: opts.run, clients: opts.clients });
    ready = true;
  };
  try {
    const { rendered, delivery, eml, changes, timings } = await deliverReport({ config: opts.config, report: opts.run, clients: opts.clients, dryRun: opts.dryRun, log: opts.log, beforeSend, ...(opts.budget ? { budget: opts.budget } : {}), ...(opts.tracker ? { tracker: opts.tracker } : {}) });
    // The report's phases end at `act`; render and notify happen on it, so their times are added after.
    const report: Report = { ...opts.run, timings: { ...opts.run.timings, ...timings } };
    return { report, rendered, delivery, ...(eml ? { eml } : {}), ...(changes ? { changes } : {}) };
  } catch (error) {
    if (ready) throw new UndeliveredError(error);
    throw error;
  }
}

export interface CliRunResult {
  readonly report: Report;
  readonly rendered: Rendered;
  readonly clients: Clients;
  readonly delivery: Delivery;
  /** Security Hub and chat webhooks; `failures` makes the exit code 4 (not delivered). */
  readonly sinks?: SinkResults;
  /** The MIME message that was (or, on a dry run, would have been) sent. */
  readonly eml?: Buffer;
  /** `sendWhen: changes`: what changed (an organization run with `--state`: per account); without a state every audit says its previous state is unknown. */
  readonly changes?: Changes;
  /** Organization runs with `notify.accountOwnerTag`: each owner message's outcome (a failure makes the exit code 4). */
  readonly owners?: readonly OwnerDelivery[];
  readonly exitCode: number;
}

export function exitCodeFor(report: Report): number {
  return EXIT[report.state];
}

/** The CLI's run: the same shared/ pipeline as the Lambda handlers, plus files for people. */
export async function cliRun(opts: CliRunOptions): Promise<CliRunResult> {
  resolveAuditIds(opts.auditIds); // bad ids fail before any AWS call
  const config = withOverrides(opts.config, opts.set, '--set');
  const clients = new Clients({ maxAttempts: config.maxAttempts, replayDir: opts.replayDir, passthrough: opts.passthrough, defaultRegion: config.region, requestTimeoutMs: config.deadlines.requestSeconds * 1000 });
  const now = opts.replayDir ? recordedAt(opts.replayDir) : undefined;
  const budget = new RunBudget(config.deadlines);
  try {
    const run = await runAudits({ config, auditIds: opts.auditIds, clients, log: opts.log, dryRun: opts.dryRun, regions: opts.regions, now, budget, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    return await deliverRun({ ...opts, config, run, clients, budget });
  } finally {
    // No timer or socket outlives the run: the process ends as soon as the output is written.
    budget.dispose();
    clients.destroy();
  }
}

/**
 * After a run (one account or an organization): the email (outputs handed to `onReady` first), then
 * Security Hub and the webhooks even when the email failed, and the exit code.
 */
export async function deliverRun(opts: Pick<CliRunOptions, 'dryRun' | 'log' | 'onReady' | 'fetch'> & { config: Config; run: Report; clients: Clients; budget?: RunBudget; tracker?: ChangeTracker }): Promise<CliRunResult> {
  const { config, run, clients } = opts;
  let delivered: Awaited<ReturnType<typeof deliverAfterOutputs>> | undefined;
  let emailFailed: UndeliveredError | undefined;
  try {
    delivered = await deliverAfterOutputs({ config, run, clients, dryRun: opts.dryRun, log: opts.log, onReady: opts.onReady, ...(opts.budget ? { budget: opts.budget } : {}), ...(opts.tracker ? { tracker: opts.tracker } : {}) });
  } catch (error) {
    if (!(error instanceof UndeliveredError)) throw error;
    emailFailed = error;
  }
  // The other channels get their chance even when the email failed (they never throw).
  const sinks = await deliverSinks({ config, report: run, clients, dryRun: opts.dryRun, log: opts.log, changes: delivered?.changes, fetch: opts.fetch, ...(opts.budget ? { budget: opts.budget } : {}) });
  if (emailFailed || !delivered) throw sinks.failures.length > 0 ? new UndeliveredError(`${errorMessage(emailFailed?.cause)}; also ${sinks.failures.join('; ')}`) : emailFailed;
  return { ...delivered, clients, sinks, exitCode: sinks.failures.length > 0 ? EXIT.notDelivered : exitCodeFor(delivered.report) };
}
