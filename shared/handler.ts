import { parseEvent, withOverrides } from './config/index';
import { ConfigError } from './errors';
import { countFindings, type Counts } from './model';
import { runAudits } from './run';
import { createRuntime, type Runtime } from './runtime';
import { deliver, type Delivery } from './deliver';
import { answerWarmup, coldStartTracker, type WarmupResponse } from './warmer/is-warmup';
import { render, type Rendered } from '../reports/index';
import type { ReportState } from './report';

export interface AuditResult {
  readonly state: ReportState;
  readonly dryRun: boolean;
  readonly subject: string;
  readonly counts: Counts;
  readonly notEvaluated: number;
  readonly actions: number;
  readonly delivery: Delivery;
  /** On a dry run, the rendered report (nothing was sent). */
  readonly rendered?: Rendered;
}

/**
 * The shared body of every audit Lambda: warm-up check, cold-start config validation, event validation
 * (both before any AWS call), run, render, deliver. A delivery failure is thrown after the report was
 * logged, so the run is never lost and the function's Errors alarm fires.
 */
export function auditHandler(auditIds: readonly string[], inject: () => Runtime = () => createRuntime(process.env)) {
  const wasCold = coldStartTracker();
  let runtime: Runtime | undefined;
  return async (event: unknown): Promise<AuditResult | WarmupResponse> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return warm;
    runtime ??= inject();
    const { log } = runtime;
    const request = parseEvent(event);
    for (const id of Object.keys(request.settings ?? {})) {
      if (!auditIds.includes(id)) throw new ConfigError(`invalid event: settings.${id}: this function runs ${auditIds.join(', ')}`, [{ field: `settings.${id}`, message: 'not run by this function' }]);
    }
    const config = withOverrides(runtime.config, request.settings);
    const report = await runAudits({ config, auditIds, clients: runtime.clients, log, dryRun: request.dryRun, regions: request.regions, now: runtime.now });
    const rendered = render(report);
    const counts = countFindings(report.findings);
    log.info('report', { auditIds, state: report.state, counts, notEvaluated: report.notEvaluated, actions: report.actions.length, timings: report.timings, dryRun: request.dryRun, requests: runtime.clients.stats.total() });
    let delivery: Delivery;
    try {
      delivery = await deliver({ config, report, rendered, auditIds, clients: runtime.clients, dryRun: request.dryRun });
    } catch (error) {
      log.error('delivery failed', { auditIds, subject: rendered.subject, error: error instanceof Error ? error.message : String(error), findings: report.findings.length });
      throw error;
    }
    return {
      state: report.state,
      dryRun: request.dryRun,
      subject: rendered.subject,
      counts,
      notEvaluated: report.notEvaluated.length,
      actions: report.actions.length,
      delivery,
      ...(request.dryRun ? { rendered } : {}),
    };
  };
}
