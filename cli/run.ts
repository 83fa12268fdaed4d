import { recordedAt } from '../shared/aws/recording';
import { Clients } from '../shared/aws/clients';
import { withOverrides, type Config } from '../shared/config/index';
import { resolveAuditIds, runAudits } from '../shared/run';
import { deliverReport, type Delivery } from '../shared/deliver';
import { deliverSinks, type SinkResults } from '../shared/sinks';
import type { Changes } from '../shared/state/diff';
import type { Log } from '../shared/logger';
import type { Report } from '../shared/report';
import type { Rendered } from '../reports/index';
import { EXIT } from './output';
import { RunBudget } from '../shared/deadline';

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
  /** `sendWhen: changes`: the CLI keeps no state, so every audit says its previous state is unknown. */
  readonly changes?: Changes;
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
    const run = await runAudits({ config, auditIds: opts.auditIds, clients, log: opts.log, dryRun: opts.dryRun, regions: opts.regions, now, budget });
    return await deliverRun({ ...opts, config, run, clients, budget });
  } finally {
    // No timer or socket outlives the run: the process ends as soon as the output is written.
    budget.dispose();
    clients.destroy();
  }
}

/** After a run (one account or an organization): the email, Security Hub and webhooks, and the exit code. */
export async function deliverRun(o: Pick<CliRunOptions, 'dryRun' | 'log' | 'fetch'> & { config: Config; run: Report; clients: Clients; budget?: RunBudget }): Promise<CliRunResult> {
  const { config, run, clients } = o;
  const { rendered, delivery, eml, changes, timings } = await deliverReport({ config, report: run, clients, dryRun: o.dryRun, log: o.log, ...(o.budget ? { budget: o.budget } : {}) });
  const sinks = await deliverSinks({ config, report: run, clients, dryRun: o.dryRun, log: o.log, changes, fetch: o.fetch });
  // The report's phases end at `act`; render and notify happen on it, so their times are added after.
  const report: Report = { ...run, timings: { ...run.timings, ...timings } };
  return { report, rendered, clients, delivery, sinks, ...(eml ? { eml } : {}), ...(changes ? { changes } : {}), exitCode: sinks.failures.length > 0 ? EXIT.notDelivered : exitCodeFor(report) };
}
