import type { Audit } from './audits/types';
import type { CollectorSet } from './collect/from';
import { normaliseAuditRun, type AuditRunConfig } from './config/audit-run';
import { applyOverrides } from './config/audits';
import { runtimeEnv } from './config/env';
import { parseEvent } from './config/event';
import { ConfigError, NotifyError } from './errors';
import { countFindings, type Counts, type Finding } from './model';
import { runEngine } from './engine';
import { createRuntime, type Runtime } from './runtime';
import { deliverReport, type Delivered, type Delivery } from './deliver';
import { deliverSinks, type SinkResults } from './sinks';
import type { ActionResult } from './actions/types';
import { S3StateStore, type StateStore } from './state/store';
import { RunBudget } from './deadline';

/** The part of the Lambda context the run reads: its time left, so the run budget fits the function's timeout. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}
import { answerWarmup, coldStartTracker, type WarmupResponse } from './warmer/is-warmup';
import { fitResult, type RenderedText, type Truncated } from './result-fit';
import { subject } from '../reports/subject';
import type { ReportState } from './report';

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
  /** On a dry run, the rendered report (nothing was sent): whole when the result fits its bound, else cut (see `truncated`). */
  readonly rendered?: RenderedText;
  /** The result was cut to its byte bound (RESULT_MAX_BYTES): what was cut, and where the whole run is. */
  readonly truncated?: Truncated;
}

/** Where the whole of a cut result is: the function's log, and the same run rendered whole by the CLI. */
export function seeAllOf(auditIds: readonly string[], stage: string): string {
  return `this function's log has every finding that is not PASS ('findings' lines), every remediation step that changed, would have changed or failed to change a resource with its undo ('action' lines, one per step) and the steps that attempted nothing, skipped or refused, by resource id ('actions not attempted' lines); \`opsbots run ${auditIds.join(' ')} --stage ${stage} --dry-run --out <dir>\` (or --json -, or --replay of an \`opsbots record\`ing) renders the whole report`;
}

/**
 * What one audit function runs: its audits and their collectors, imported by functions/<audit>.ts directly,
 * so its bundle holds no other audit, collector or SDK client.
 */
export interface AuditFunction {
  readonly audits: readonly Audit[];
  readonly collectors: CollectorSet;
  /** The ids a run covers; default every audit given. The digest runs the ones its stage deploys. */
  readonly runs?: (config: AuditRunConfig) => readonly string[];
  /** Recipients instead of the stage's / the audit's own (the digest's `to`). */
  readonly to?: (config: AuditRunConfig) => readonly string[] | undefined;
}

/** A function that runs `audits`; throws at load if a source of theirs has no collector (a wiring bug, caught by the tests). */
export function auditFunction(audits: readonly Audit[], collectors: CollectorSet, more: Pick<AuditFunction, 'runs' | 'to'> = {}): AuditFunction {
  const missing = [...new Set(audits.flatMap((a) => a.sources))].filter((s) => !collectors[s]);
  if (missing.length > 0) throw new Error(`audit function ${audits.map((a) => a.id).join(', ')}: no collector for ${missing.join(', ')}`);
  return { audits, collectors, ...more };
}

/** An audit function's cold start: its config (its own audits only), clients, and the state store where the deploy gave one. */
export interface AuditRuntime extends Runtime<AuditRunConfig> {
  /** The previous runs' findings (`sendWhen: changes`), when the deploy gave this function a state bucket. */
  readonly state?: StateStore;
}

export function auditRuntime(env: NodeJS.ProcessEnv, audits: readonly Audit[], overrides: Partial<AuditRuntime> = {}): AuditRuntime {
  const base = createRuntime(env, (stage, raw) => normaliseAuditRun(stage, raw, audits), overrides);
  const e = runtimeEnv(env);
  const state = overrides.state ?? (e.OPSBOTS_STATE_BUCKET && e.OPSBOTS_STATE_PREFIX ? new S3StateStore(base.clients, e.OPSBOTS_STATE_BUCKET, e.OPSBOTS_STATE_PREFIX, base.config.region) : undefined);
  return { ...base, ...(state ? { state } : {}) };
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
export function auditHandler(fn: AuditFunction, inject: () => AuditRuntime = () => auditRuntime(process.env, fn.audits), resultMaxBytes?: number) {
  const wasCold = coldStartTracker();
  let runtime: AuditRuntime | undefined;
  return async (event: unknown, context?: InvocationContext): Promise<AuditResult | WarmupResponse> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return warm;
    runtime ??= inject();
    const { log } = runtime;
    const auditIds = fn.runs ? fn.runs(runtime.config) : fn.audits.map((a) => a.id);
    const request = parseEvent(event);
    for (const id of Object.keys(request.settings ?? {})) {
      if (!auditIds.includes(id)) throw new ConfigError(`invalid event: settings.${id}: this function runs ${auditIds.join(', ')}`, [{ field: `settings.${id}`, message: 'not run by this function' }]);
    }
    const config = applyOverrides(runtime.config, request.settings, fn.audits);
    const audits = fn.audits.filter((a) => auditIds.includes(a.id));
    // Its timers are unref'd and end with the budget: a frozen or reused Lambda keeps nothing running.
    const budget = new RunBudget(config.deadlines, context?.getRemainingTimeInMillis());
    const report = await runEngine({ config, audits, collectors: fn.collectors, clients: runtime.clients, log, dryRun: request.dryRun, regions: request.regions, now: runtime.now, budget });
    const counts = countFindings(report.findings);
    log.info('report', { auditIds, state: report.state, counts, notEvaluated: report.notEvaluated, actions: report.actions.length, timings: report.timings, dryRun: request.dryRun, requests: runtime.clients.stats.total() });
    logProblems(log, report.findings);
    let delivered: Delivered;
    try {
      delivered = await deliverReport({ config, report, clients: runtime.clients, dryRun: request.dryRun, log, state: runtime.state, to: fn.to?.(config), budget });
    } catch (error) {
      log.error('delivery failed', { auditIds, subject: subject(report), error: error instanceof Error ? error.message : String(error), findings: report.findings.length });
      // The other channels still get the report; then the email's failure is the function's error.
      await deliverSinks({ config, report, clients: runtime.clients, dryRun: request.dryRun, log, budget });
      throw error;
    }
    const sinks = await deliverSinks({ config, report, clients: runtime.clients, dryRun: request.dryRun, log, changes: delivered.changes, budget });
    if (sinks.failures.length > 0) {
      log.error('delivery failed', { auditIds, subject: subject(report), failures: sinks.failures });
      throw new NotifyError(`report not delivered: ${sinks.failures.join('; ')}`, 'NotDelivered');
    }
    const { rendered, delivery, changes } = delivered;
    log.info('delivered', { auditIds, sent: delivery.sent, timings: { ...report.timings, ...delivered.timings } });
    const result: AuditResult = {
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
    };
    // A synchronous Invoke returns at most 6 MB: a large dry run is cut to its bound rather than lost. The steps
    // that change (or would change) something, each with its undo, keep room before skipped or refused ones.
    return fitResult(result, request.dryRun ? rendered : undefined, { seeAll: seeAllOf(auditIds, config.stage), keepFirst: (step) => step.undo !== undefined, ...(resultMaxBytes ? { maxBytes: resultMaxBytes } : {}) });
  };
}
