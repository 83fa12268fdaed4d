import type { Clients } from './aws/clients';
import type { Audit } from './audits/types';
import { collectFrom, type CollectOptions, type CollectorSet } from './collect/from';
import type { CollectScope } from './collect/types';
import type { Inventory, SourceId, Sources } from './collect/inventory';
import type { AuditRunConfig } from './config/audit-run';
import { ActionError } from './errors';
import { evaluateAudit } from './evaluate';
import { applyExemptions, expiredExemptions } from './exemptions';
import type { Log } from './logger';
import type { Finding } from './model';
import { NOTHING_ATTEMPTED, type ActionResult } from './actions/types';
import { reportState, summarise, type Report } from './report';
import { timed, type Timings } from './timing';
import { RunBudget, runWithin } from './deadline';

export interface EngineOptions {
  readonly config: AuditRunConfig;
  /** The audits to run, in report order. */
  readonly audits: readonly Audit[];
  /** At least the collectors of those audits' sources (a function carries only its own). */
  readonly collectors: CollectorSet;
  readonly clients: Clients;
  readonly log: Log;
  readonly dryRun: boolean;
  /** Overrides the stage's regions for this run. */
  readonly regions?: readonly string[];
  /** Audit a saved inventory instead of collecting. */
  readonly inventory?: Inventory;
  readonly now?: Date;
  /** The run's time budget (the handler derives it from the Lambda's remaining time). Default: from config.deadlines. */
  readonly budget?: RunBudget;
  /** Collection progress (the CLI's line on a terminal). */
  readonly onProgress?: CollectOptions['onProgress'];
}

/**
 * The run's narrowing hints: each audit's scope() from its settings, lists concatenated per source. A
 * source some audit reads without giving a scope is read in full (its entry is left out).
 */
export function collectScope(audits: readonly Audit[], config: Pick<AuditRunConfig, 'audits'>): Partial<CollectScope> {
  const merged: Record<string, unknown[]> = {};
  const full = new Set<string>();
  for (const audit of audits) {
    const given = (audit.scope?.(config.audits[audit.id]?.settings ?? audit.settings.parse({})) ?? {}) as Record<string, unknown[] | undefined>;
    for (const source of audit.sources) {
      const hints = given[source];
      if (hints === undefined) full.add(source);
      else (merged[source] ??= []).push(...hints);
    }
  }
  for (const source of full) delete merged[source];
  return merged as Partial<CollectScope>;
}

/** Per-resource failures of one remediation, gathered into one typed error and logged once. */
function logFailures(log: Log, auditId: string, results: readonly ActionResult[]): void {
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length === 0) return;
  const error = new ActionError(
    `${auditId}: ${failed.length} of ${results.length} remediation steps failed`,
    failed.map((r) => ({ resource: r.resourceId, action: r.action, code: r.code ?? 'UnknownError', message: r.message })),
  );
  log.error('remediation failures', { auditId, error: error.message, failures: error.failures });
}

/** Steps that attempted nothing are logged this many a line (a line stays well under CloudWatch's 256 KB). */
export const IDLE_PER_LINE = 200;

/** Resource ids by message, in the order met: what one line of steps that attempted nothing says. */
function byMessage(steps: readonly ActionResult[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of steps) (out[r.message] ??= []).push(r.resourceId);
  return out;
}

/**
 * One structured line per remediation step that changed, would have changed or failed to change a resource:
 * what and the undo, so the log alone is enough to reverse a run. Steps that attempted nothing (skipped,
 * refused: no undo) are logged together, one line per region and outcome for up to IDLE_PER_LINE of them,
 * their resource ids by message (a step is its audit, region and resource id): a run over maxActions refuses
 * every target, and a line each (27,790 at the scale bench's size) cost a function more CPU in the logger
 * than its remediation took.
 */
function logActions(log: Log, dryRun: boolean, results: readonly ActionResult[]): void {
  const idle = new Map<string, ActionResult[]>();
  for (const r of results) {
    if (NOTHING_ATTEMPTED.has(r.outcome)) {
      const key = `${r.auditId}\u0000${r.region}\u0000${r.action}\u0000${r.outcome}`;
      const group = idle.get(key);
      if (group) group.push(r);
      else idle.set(key, [r]);
      continue;
    }
    const line = { auditId: r.auditId, resource: r.resource, resourceId: r.resourceId, region: r.region, action: r.action, outcome: r.outcome, message: r.message, dryRun, undo: r.undo ?? null };
    if (r.outcome === 'failed') log.warn('action', line);
    else log.info('action', line);
  }
  for (const group of idle.values()) {
    const [first] = group;
    if (!first) continue;
    for (let from = 0; from < group.length; from += IDLE_PER_LINE) {
      const steps = group.slice(from, from + IDLE_PER_LINE);
      log.info('actions not attempted', { auditId: first.auditId, region: first.region, action: first.action, outcome: first.outcome, dryRun, count: steps.length, of: group.length, byMessage: byMessage(steps) });
    }
  }
}

/**
 * config -> collect -> evaluate -> act: the run shared by every handler and the CLI, on the audits and
 * collectors it is given (it imports no registry, so a function's bundle holds only its own). Rendering and
 * delivery come after, on the Report. Remediation runs only where the stage enabled it, in dry-run form
 * when `dryRun`.
 */
export async function runEngine(opts: EngineOptions): Promise<Report> {
  const budget = opts.budget ?? new RunBudget(opts.config.deadlines);
  try {
    return await runWithinBudget(opts, budget);
  } finally {
    if (!opts.budget) budget.dispose();
  }
}

/** Steps of a run that read the inventory: each audit's evaluation in order, then each enabled remediation in order. */
export interface InventoryStep {
  readonly auditId: string;
  readonly phase: 'evaluate' | 'act';
  readonly sources: readonly SourceId[];
}

/** The inventory sources a remediation reads (its declared `sources`, else all of its audit's). */
export function actionSources(audit: Audit): readonly SourceId[] {
  return audit.action?.sources ?? audit.sources;
}

/**
 * Which sources can be let go after each step: those no later step reads. A large account's inventory is
 * most of a run's memory, and once judged (and acted on) it is not needed for the report: releasing each
 * source after its last reader keeps the inventory, the findings and the actions from all peaking together.
 */
export function releaseSchedule(steps: readonly InventoryStep[]): SourceId[][] {
  const last = new Map<SourceId, number>();
  steps.forEach((step, i) => step.sources.forEach((s) => last.set(s, i)));
  const out = steps.map((): SourceId[] => []);
  for (const [source, i] of last) out[i]?.push(source);
  return out;
}

/**
 * The run's steps over the inventory, audit by audit in report order: its evaluation, then its remediation
 * where the stage enabled one. Acting on an audit before the next is evaluated lets its sources go before
 * the next audit's are judged (a remediation reads only its own audit's findings).
 */
export function inventorySteps(audits: readonly Audit[], config: Pick<AuditRunConfig, 'audits'>): InventoryStep[] {
  return audits.flatMap((a) => [
    { auditId: a.id, phase: 'evaluate' as const, sources: a.sources },
    ...(a.action && config.audits[a.id]?.remediation ? [{ auditId: a.id, phase: 'act' as const, sources: actionSources(a) }] : []),
  ]);
}

/** Adds the wall time since `start` to `phase`: evaluation and remediation alternate, audit by audit. */
function addTime(timings: Timings, phase: 'evaluate' | 'act', start: number): void {
  timings[phase] = Math.round(((timings[phase] ?? 0) + performance.now() - start) * 10) / 10;
}

/**
 * The inventory as the run's steps read it: after a release, a new snapshot without the released sources
 * (inventories are read-only: audits key views on them, as identityView does, which then go with the old
 * one). Neither the collected inventory nor an earlier snapshot is kept.
 */
class Snapshots {
  constructor(public current: Inventory) {}
  release(ids: readonly SourceId[]): void {
    if (!ids.some((id) => id in this.current.sources)) return;
    const sources: Partial<Sources> = { ...this.current.sources };
    for (const id of ids) delete sources[id];
    this.current = { ...this.current, sources };
  }
}

/** What a remediation sees of the inventory: the sources it declares, and nothing else (so the declaration is kept). */
function actionView(inventory: Inventory, audit: Audit): Inventory {
  const sources: Partial<Sources> = {};
  for (const id of actionSources(audit)) if (id in inventory.sources) (sources as Record<string, unknown>)[id] = inventory.sources[id];
  return { ...inventory, sources };
}

const countFails = (findings: readonly Finding[]) => {
  let n = 0;
  for (const f of findings) if (f.status === 'FAIL') n += 1;
  return n;
};

/**
 * One audit's remediation on its unsuppressed FAIL findings, its steps logged. A function of its own: what
 * it holds (the inventory view, the targets) goes when it returns, not at the run's next await.
 */
async function remediate(opts: EngineOptions, budget: RunBudget, audit: Audit, remediation: Readonly<Record<string, unknown>>, inventory: Inventory, allFindings: readonly Finding[], now: Date): Promise<ActionResult[]> {
  const action = audit.action;
  if (!action) return [];
  const targets = allFindings.filter((f) => f.status === 'FAIL' && !f.suppressed);
  const ctx = { clients: opts.clients, inventory: actionView(inventory, audit), dryRun: opts.dryRun, log: opts.log, now, allFindings };
  // Remediation calls end with collection's share of the budget, so the report is still delivered.
  const results = await runWithin(budget.workSignal, () => action.run(ctx, targets, remediation));
  logActions(opts.log, opts.dryRun, results);
  logFailures(opts.log, audit.id, results);
  return results;
}

async function runWithinBudget(opts: EngineOptions, budget: RunBudget): Promise<Report> {
  const { audits } = opts;
  const timings: Timings = {};
  const startedAt = (opts.now ?? new Date()).toISOString();
  const clock = performance.now();
  const sources = [...new Set(audits.flatMap((a) => a.sources))] as SourceId[];
  const inventory = new Snapshots(
    opts.inventory ??
      (await timed(timings, 'collect', () =>
        collectFrom(opts.collectors, sources, {
          clients: opts.clients,
          regions: opts.regions ?? opts.config.regions,
          concurrency: opts.config.concurrency,
          iamConcurrency: opts.config.iamConcurrency,
          accountAlias: opts.config.account.alias,
          log: opts.log,
          now: opts.now,
          scope: collectScope(audits, opts.config),
          budget,
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        }),
      )),
  );
  const steps = inventorySteps(audits, opts.config);
  const schedule = releaseSchedule(steps);
  const done = (phase: InventoryStep['phase'], auditId: string) => inventory.release(schedule[steps.findIndex((s) => s.phase === phase && s.auditId === auditId)] ?? []);
  const now = new Date(inventory.current.collectedAt);
  Object.assign(timings, { evaluate: 0, act: 0 });
  // Each audit's findings apart (its remediation reads its own), joined into one list for the report.
  const perAudit: Finding[][] = [];
  const actions: ActionResult[] = [];
  for (const audit of audits) {
    const started = performance.now();
    const settings = opts.config.audits[audit.id]?.settings ?? {};
    const result = applyExemptions(evaluateAudit(audit, inventory.current, settings), opts.config.exemptions, opts.config.exemptionTag, now);
    perAudit.push(result);
    done('evaluate', audit.id);
    opts.log.info('evaluated', { auditId: audit.id, findings: result.length, fail: countFails(result), durationMs: Math.round(performance.now() - started) });
    addTime(timings, 'evaluate', started);
    const remediation = opts.config.audits[audit.id]?.remediation;
    if (!audit.action || !remediation) continue;
    const acting = performance.now();
    const stepResults = await remediate(opts, budget, audit, remediation, inventory.current, result, now);
    done('act', audit.id);
    for (const r of stepResults) actions.push(r);
    addTime(timings, 'act', acting);
  }
  const findings = perAudit.flat();
  const expired = expiredExemptions(findings, opts.config.exemptions, now);
  const { errors, account, regions } = inventory.current;
  const notEvaluated = errors.filter((e) => findings.some((f) => f.status === 'ERROR' && f.resourceId === e.source && f.region === e.region));
  return {
    stage: opts.config.stage,
    account,
    regions,
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + Math.round(performance.now() - clock)).toISOString(),
    dryRun: opts.dryRun,
    state: reportState(findings, notEvaluated),
    audits: summarise(audits, findings, opts.config.audits),
    findings,
    actions,
    notEvaluated,
    ...(expired.length > 0 ? { expiredExemptions: expired } : {}),
    timings,
  };
}
