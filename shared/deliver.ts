import type { Clients } from './aws/clients';
import type { AuditRunConfig as Config } from './config/audit-run';
import { composeMessage, fitReport, type Fitted } from './fit';
import type { Log } from './logger';
import { SES_MAX_BYTES } from './notify/ses';
import { sendRaw } from './notify/ses-raw';
import type { Message } from './notify/mime';
import type { Report } from './report';
import { diffFindings, nothingChanged, type Changes, type PreviousState } from './state/diff';
import { snapshotOf } from './state/snapshot';
import type { StateStore } from './state/store';
import { elapsedMs, type Timings } from './timing';
import { render, type Rendered } from '../reports/index';
import { duration, withDeadline, type RunBudget } from './deadline';
import { errorCode, errorMessage, NotifyError } from './errors';

export type Delivery =
  | { readonly sent: true; readonly messageId: string; readonly to: readonly string[]; readonly bytes: number }
  | { readonly sent: false; readonly reason: string };

/** Builds the email for a report (the full report, no size fitting): see composeMessage. */
export function reportMessage(config: Config, rendered: Rendered, to: readonly string[]): Message | null {
  const n = config.notify;
  return n ? composeMessage({ from: n.from, to, cc: n.cc, replyTo: n.replyTo }, rendered, n.attachJson) : null;
}

/** Recipients: an audit's own `to` when the run is that one audit, else the stage's. */
export function recipients(config: Config, auditIds: readonly string[]): readonly string[] {
  const own = auditIds.length === 1 ? config.audits[auditIds[0] ?? '']?.to : undefined;
  return own ?? config.notify?.to ?? [];
}

export interface DeliverOptions {
  readonly config: Config;
  readonly report: Report;
  readonly clients: Clients;
  readonly dryRun: boolean;
  readonly log?: Log;
  /** Overrides recipients() (the digest's own `to`). */
  readonly to?: readonly string[];
  /** Where previous runs' findings live (`sendWhen: changes`); absent = cannot say what changed. */
  readonly state?: StateStore;
  /** Default SES_MAX_BYTES. */
  readonly maxBytes?: number;
  /**
   * Called once the report is rendered (and the message built), before anything is sent: the CLI writes its
   * files and prints its summary here, so a failed send loses nothing.
   */
  readonly beforeSend?: (ready: Ready) => void | Promise<void>;
  /** The run's time budget: each step (state read, send, state write) gets deliverySeconds within it. */
  readonly budget?: RunBudget;
  /** Judges `sendWhen: changes` instead of `state` (the organization report: per account, shared/org/changes.ts). */
  readonly tracker?: ChangeTracker;
}

/** What changed since the last delivered run, and storing this run once it was delivered (never on a dry run). */
export interface ChangeTracker {
  changes(): Promise<Changes>;
  /** After the send succeeded or was not needed; true when everything was stored. */
  save(changes: Changes): Promise<boolean>;
}

/** One delivery step within its deadline; the request is aborted when it passes (NotifyError `Timeout`). */
export function step<T>(opts: Pick<DeliverOptions, 'budget' | 'config'>, what: string, fn: () => Promise<T>): Promise<T> {
  const ms = opts.budget ? opts.budget.deliveryMs() : opts.config.deadlines.deliverySeconds * 1000;
  return withDeadline(ms, opts.budget?.signal, () => new NotifyError(`${what} did not answer within ${duration(ms)}`, 'Timeout'), fn);
}

/** What exists before the send: the renderings, and the MIME message when there is one. */
export type Ready = Pick<Delivered, 'rendered' | 'eml' | 'changes'>;

export interface Delivered {
  readonly rendered: Rendered;
  readonly delivery: Delivery;
  /** The MIME message that was (or, on a dry run, would have been) sent. */
  readonly eml?: Buffer;
  readonly changes?: Changes;
  /** The bodies list only the top findings per audit / the attachment was cut (see the note in the email). */
  readonly trimmed?: Pick<Fitted, 'topPerAudit' | 'cut'>;
  /** Whether this run's state was stored for the next one. */
  readonly stateSaved: boolean;
  /**
   * Wall time of `render` (reading the previous state, rendering, fitting and building the message) and
   * `notify` (sending and storing this run's state; 0 when nothing was sent).
   */
  readonly timings: Required<Pick<Timings, 'render' | 'notify'>>;
}

/** Each audit's previous state in `store` (never throws: a failed read is `unreadable`); no store: `NoStateStore`. */
export async function previousStates(opts: Pick<DeliverOptions, 'budget' | 'config'>, stage: string, ids: readonly string[], store: StateStore | undefined): Promise<PreviousState[]> {
  if (!store) return ids.map((auditId) => ({ auditId, kind: 'unreadable', code: 'NoStateStore', message: 'no state store for this report: the Lambda keeps it in the state bucket (OPSBOTS_STATE_BUCKET), the CLI in --state DIR' }));
  return Promise.all(
    ids.map((auditId) =>
      step(opts, `state read of ${auditId}`, () => store.read(stage, auditId)).catch((e: unknown): PreviousState => ({ auditId, kind: 'unreadable', code: errorCode(e), message: errorMessage(e) })),
    ),
  );
}

/** The one-store tracker: the report's findings against `store`'s previous state (absent: NoStateStore, so the email is sent saying so). */
function storeTracker(opts: DeliverOptions): ChangeTracker {
  const { report, state } = opts;
  return {
    changes: async () => diffFindings(report.findings, await previousStates(opts, report.stage, report.audits.map((a) => a.id), state), report.regions),
    save: async (changes) => state !== undefined && (await saveState(opts, state, report, changes)),
  };
}

export function skipReason(config: Config, report: Report, changes: Changes | undefined): string | null {
  if (!config.notify) return 'no notify settings for this stage';
  if (config.notify.sendWhen === 'findings' && report.state === 'clean') return 'sendWhen=findings and the report is clean';
  if (changes && nothingChanged(changes)) return 'sendWhen=changes and nothing changed since the last run';
  return null;
}

/**
 * Renders, fits and sends a report. With `sendWhen: changes` it reads each audit's previous state first
 * (a failed read is said in the email, which is then sent anyway) and stores this run's findings after the
 * send succeeded, so a lost email is never "already reported". A dry run sends nothing and stores nothing.
 */
export async function deliverReport(opts: DeliverOptions): Promise<Delivered> {
  const start = performance.now();
  const { config, report } = opts;
  const n = config.notify;
  const tracker = opts.tracker ?? storeTracker(opts);
  const changes = n?.sendWhen === 'changes' ? await tracker.changes() : undefined;
  if (changes) opts.log?.info('changes', { added: changes.added.length, resolved: changes.resolved.map((r) => r.key), unchecked: changes.unchecked.map((r) => r.key), firstRun: changes.firstRun, unreadable: changes.unreadable });
  if (!n) {
    const rendered = render(report, { changes });
    await opts.beforeSend?.({ rendered, ...(changes ? { changes } : {}) });
    return { rendered, delivery: { sent: false, reason: 'no notify settings for this stage' }, stateSaved: false, timings: { render: elapsedMs(start), notify: 0 } };
  }
  const to = opts.to ?? recipients(config, report.audits.map((a) => a.id));
  const maxBytes = opts.maxBytes ?? SES_MAX_BYTES;
  const fitted = await fitReport({ report, envelope: { from: n.from, to, cc: n.cc, replyTo: n.replyTo }, attachJson: n.attachJson, changes, maxBytes });
  const trimmed = fitted.topPerAudit !== undefined ? { topPerAudit: fitted.topPerAudit, ...(fitted.cut ? { cut: fitted.cut } : {}) } : undefined;
  if (trimmed) opts.log?.warn('report trimmed to fit the message size limit', { maxBytes, ...trimmed, findings: report.findings.length });
  const base = { rendered: fitted.rendered, eml: fitted.raw, ...(changes ? { changes } : {}), ...(trimmed ? { trimmed } : {}) };
  const renderMs = elapsedMs(start);
  await opts.beforeSend?.(base);
  if (opts.dryRun) return { ...base, delivery: { sent: false, reason: 'dry run: nothing sent' }, stateSaved: false, timings: { render: renderMs, notify: 0 } };
  const notifyStart = performance.now();
  const skip = skipReason(config, report, changes);
  let delivery: Delivery = { sent: false, reason: skip ?? '' };
  if (!skip) {
    const region = n.sesRegion ?? config.region;
    const res = await step(opts, `SES send in ${region}`, () => sendRaw(opts.clients, region, fitted.message, fitted.raw));
    delivery = { sent: true, messageId: res.messageId, to, bytes: res.bytes };
  }
  const stateSaved = changes !== undefined && (await tracker.save(changes));
  return { ...base, delivery, stateSaved, timings: { render: renderMs, notify: elapsedMs(notifyStart) } };
}

/** Stores each audit's findings; a failed write is logged (the email went out) and the next run compares with the last stored state. */
export async function saveState(opts: Pick<DeliverOptions, 'budget' | 'config' | 'log'>, store: StateStore, report: Pick<Report, 'audits' | 'stage' | 'findings' | 'startedAt'>, changes: Pick<Changes, 'unchecked'>): Promise<boolean> {
  const log = opts.log;
  // An audit whose previous state was unreadable is stored afresh: the next run compares with this one.
  const results = await Promise.allSettled(report.audits.map((a) => step(opts, `state write of ${a.id}`, () => store.write(snapshotOf(report.stage, a.id, report.findings, report.startedAt, changes.unchecked)))));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ auditId: report.audits[i]?.id, error: r.reason instanceof Error ? r.reason.message : String(r.reason) }] : []));
  if (failed.length > 0) log?.error('state not saved', { failed });
  return failed.length === 0;
}

/** Backward-compatible form of deliverReport() returning the Delivery only; `rendered` and `auditIds` are ignored (the report is rendered to fit). */
export async function deliver(opts: { config: Config; report: Report; rendered?: Rendered; auditIds?: readonly string[]; clients: Clients; dryRun: boolean }): Promise<Delivery> {
  return (await deliverReport(opts)).delivery;
}
