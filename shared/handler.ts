import { parseEvent, withOverrides } from './config/index';
import { ConfigError, NotifyError } from './errors';
import { countFindings, type Counts, type Finding } from './model';
import { runAudits } from './run';
import { createRuntime, type Runtime } from './runtime';
import { deliverReport, type Delivered, type Delivery } from './deliver';
import { deliverSinks, type SinkResults } from './sinks';
import type { Config } from './config/index';
import { answerWarmup, coldStartTracker, type WarmupResponse } from './warmer/is-warmup';
import type { Rendered } from '../reports/index';
import { subject } from '../reports/subject';
import type { ReportState } from './report';
import type { ActionResult } from './actions/types';
import { RunBudget } from './deadline';

/** The part of the Lambda context the run reads: its time left, so the run budget fits the function's timeout. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export interface AuditResult {
  readonly state: ReportState;
  readonly dryRun: boolean;
  readonly subject: string;
  readonly counts: Counts;
  readonly notEvaluated: number;
  readonly actions: number;
  /** Every remediation step (outcome, message) with the undo that reverses it; `detail` stays in the log. */
  readonly remediation: readonly Omit<ActionResult, 'detail'>[];
  readonly delivery: Delivery;
  /** `sendWhen: changes`: counts of new, resolved and unchecked findings, and whether this run's state was stored. */
  readonly changes?: { readonly added: number; readonly resolved: number; readonly unchecked: number; readonly previousUnreadable: number; readonly stateSaved: boolean };
  /** Security Hub import and chat webhooks, where the stage has them. */
  readonly sinks?: Omit<SinkResults, 'failures'>;
  /** On a dry run, the rendered report (nothing was sent). */
  readonly rendered?: Rendered;
}

/** Findings per log line: keeps each line well under CloudWatch's 256 KB event limit. */
const PROBLEMS_PER_LINE = 200;

/** Every non-PASS finding goes to the log, so nothing a trimmed (or lost) email leaves out is lost. */
function logProblems(log: Runtime['log'], findings: readonly Finding[]): void {
  const problems = findings.filter((f) => f.status !== 'PASS').map((f) => ({ auditId: f.auditId, status: f.status, severity: f.severity, resource: f.resource, region: f.region, reason: f.reason, suppressedBy: f.suppressed?.by }));
  const parts = Math.ceil(problems.length / PROBLEMS_PER_LINE);
  for (let i = 0; i < parts; i++) log.info('findings', { part: i + 1, of: parts, findings: problems.slice(i * PROBLEMS_PER_LINE, (i + 1) * PROBLEMS_PER_LINE) });
}

/**
 * The shared body of every audit Lambda: warm-up check, cold-start config validation, event validation
 * (both before any AWS call), run, render, deliver. A delivery failure is thrown after the report was
 * logged, so the run is never lost and the function's Errors alarm fires.
 */
export function auditHandler(
  ids: readonly string[] | ((config: Config) => readonly string[]),
  inject: () => Runtime = () => createRuntime(process.env),
  /** Recipients instead of the stage's / the audit's own (the digest's `to`). */
  to?: (config: Config) => readonly string[] | undefined,
) {
  const wasCold = coldStartTracker();
  let runtime: Runtime | undefined;
  return async (event: unknown, context?: InvocationContext): Promise<AuditResult | WarmupResponse> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return warm;
    runtime ??= inject();
    const { log } = runtime;
    const auditIds = typeof ids === 'function' ? ids(runtime.config) : ids;
    const request = parseEvent(event);
    for (const id of Object.keys(request.settings ?? {})) {
      if (!auditIds.includes(id)) throw new ConfigError(`invalid event: settings.${id}: this function runs ${auditIds.join(', ')}`, [{ field: `settings.${id}`, message: 'not run by this function' }]);
    }
    const config = withOverrides(runtime.config, request.settings);
    // Its timers are unref'd and end with the budget: a frozen or reused Lambda keeps nothing running.
    const budget = new RunBudget(config.deadlines, context?.getRemainingTimeInMillis());
    const report = await runAudits({ config, auditIds, clients: runtime.clients, log, dryRun: request.dryRun, regions: request.regions, now: runtime.now, budget });
    const counts = countFindings(report.findings);
    log.info('report', { auditIds, state: report.state, counts, notEvaluated: report.notEvaluated, actions: report.actions.length, timings: report.timings, dryRun: request.dryRun, requests: runtime.clients.stats.total() });
    logProblems(log, report.findings);
    let delivered: Delivered;
    try {
      delivered = await deliverReport({ config, report, clients: runtime.clients, dryRun: request.dryRun, log, state: runtime.state, to: to?.(config), budget });
    } catch (error) {
      log.error('delivery failed', { auditIds, subject: subject(report), error: error instanceof Error ? error.message : String(error), findings: report.findings.length });
      // The other channels still get the report; then the email's failure is the function's error.
      await deliverSinks({ config, report, clients: runtime.clients, dryRun: request.dryRun, log });
      throw error;
    }
    const sinks = await deliverSinks({ config, report, clients: runtime.clients, dryRun: request.dryRun, log, changes: delivered.changes });
    if (sinks.failures.length > 0) {
      log.error('delivery failed', { auditIds, subject: subject(report), failures: sinks.failures });
      throw new NotifyError(`report not delivered: ${sinks.failures.join('; ')}`, 'NotDelivered');
    }
    const { rendered, delivery, changes } = delivered;
    log.info('delivered', { auditIds, sent: delivery.sent, timings: { ...report.timings, ...delivered.timings } });
    return {
      state: report.state,
      dryRun: request.dryRun,
      subject: rendered.subject,
      counts,
      notEvaluated: report.notEvaluated.length,
      actions: report.actions.length,
      remediation: report.actions.map(({ detail: _detail, ...step }) => step),
      delivery,
      ...(sinks.securityHub || sinks.webhooks.length > 0 ? { sinks: { ...(sinks.securityHub ? { securityHub: sinks.securityHub } : {}), webhooks: sinks.webhooks } } : {}),
      ...(changes ? { changes: { added: changes.added.length, resolved: changes.resolved.length, unchecked: changes.unchecked.length, previousUnreadable: changes.unreadable.length, stateSaved: delivered.stateSaved } } : {}),
      ...(request.dryRun ? { rendered } : {}),
    };
  };
}
