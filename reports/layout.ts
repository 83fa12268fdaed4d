import { NOTHING_ATTEMPTED, type ActionResult } from '../shared/actions/types';
import type { SourceError } from '../shared/collect/outcome';
import { SEVERITIES, type Finding, type Severity } from '../shared/model';
import type { Report } from '../shared/report';
import type { Changes } from '../shared/state/diff';
import { inReportOrder } from './order';

/** How a report is rendered beyond the Report itself. Defaults: everything listed, no changes section. */
export interface RenderOptions {
  /** What changed since the previous run (`sendWhen: changes`). */
  readonly changes?: Changes;
  /** List at most this many FAIL/WARN findings per audit in the bodies; the rest are counted as "N more in the attachment". */
  readonly topPerAudit?: number;
  /** Set when the attachment itself had to be cut to fit the message size limit. */
  readonly cut?: AttachmentCut;
}

export interface AttachmentCut {
  /** Findings in the attached CSV. */
  readonly included: number;
  readonly total: number;
  /** Attachments left out entirely (e.g. the JSON copy). */
  readonly dropped: readonly string[];
  readonly limitBytes: number;
}

export interface SeverityGroup {
  readonly severity: Severity;
  readonly findings: readonly Finding[];
}

export interface AuditSection {
  readonly id: string;
  readonly title: string;
  readonly groups: readonly SeverityGroup[];
  /** FAIL/WARN findings of this audit not listed in the body (topPerAudit). */
  readonly more: number;
}

/** A source and region not read, with the audits it left unevaluated. */
export interface Unread extends SourceError {
  readonly audits: readonly string[];
}

/** The one ordering both bodies follow: ERROR first, then each audit's FAIL/WARN by severity, then suppressed. */
export interface Layout {
  /** What was not read, once per source and region. */
  readonly unread: readonly Unread[];
  /** ERROR findings not explained by an unread source (listed in full). */
  readonly errors: readonly Finding[];
  readonly sections: readonly AuditSection[];
  /** Suppressed findings listed (topPerAudit caps them too) and how many more are in the attachment. */
  readonly suppressed: readonly Finding[];
  readonly suppressedMore: number;
  /** The remediation steps listed (listedActions). */
  readonly actions: { readonly shown: readonly ActionResult[]; readonly more: number };
}

export function layout(report: Report, opts: RenderOptions = {}): Layout {
  const sorted = inReportOrder(report.findings);
  // One pass over the findings, in report order, sorts them into their places (a large report has 100,000s).
  const listed = new Map<string, Finding[]>();
  const errors: Finding[] = [];
  const suppressedAll: Finding[] = [];
  for (const f of sorted) {
    if (f.suppressed) suppressedAll.push(f);
    else if (f.status === 'ERROR') errors.push(f);
    else if (f.status === 'FAIL' || f.status === 'WARN') {
      const list = listed.get(f.auditId);
      if (list) list.push(f);
      else listed.set(f.auditId, [f]);
    }
  }
  const sections: AuditSection[] = [];
  for (const a of report.audits) {
    const all = listed.get(a.id) ?? [];
    if (all.length === 0) continue;
    const shown = opts.topPerAudit === undefined ? all : all.slice(0, opts.topPerAudit);
    const groups = SEVERITIES.map((severity) => ({ severity, findings: shown.filter((f) => f.severity === severity) })).filter((g) => g.findings.length > 0);
    sections.push({ id: a.id, title: a.title, groups, more: all.length - shown.length });
  }
  const of = (n: { source: string; region: string }) => (f: Finding) => f.resourceId === n.source && f.region === n.region;
  const unread = report.notEvaluated.map((n) => ({ ...n, audits: [...new Set(errors.filter(of(n)).map((f) => f.auditId))] }));
  const explained = (f: Finding) => report.notEvaluated.some((n) => of(n)(f));
  const suppressed = capped(suppressedAll, opts.topPerAudit);
  return { unread, errors: errors.filter((f) => !explained(f)), sections, suppressed: suppressed.shown, suppressedMore: suppressed.more, actions: listedActions(report, opts) };
}

/** The sentence under a cut attachment, shared by both bodies. */
export function cutNote(cut: AttachmentCut): string {
  const mb = (cut.limitBytes / (1024 * 1024)).toFixed(0);
  const dropped = cut.dropped.length > 0 ? ` ${cut.dropped.join(', ')} left out.` : '';
  return cut.included < cut.total
    ? `The attachment was cut to fit SES's ${mb} MB message limit: findings.csv holds the first ${cut.included} of ${cut.total} findings (most important first); the full list is in the function's log and the CLI's --out files.${dropped}`
    : `The message was trimmed to fit SES's ${mb} MB message limit.${dropped} findings.csv holds all ${cut.total} findings.`;
}


/**
 * The remediation steps the bodies list: all of them, or, in a trimmed report (`topPerAudit`), every step
 * that was made, would have been made or failed (each with its undo) and at most `topPerAudit` of those that
 * attempted nothing; `more` counts the rest (also in findings.csv's remediation column).
 */
export function listedActions(report: Report, opts: RenderOptions): { shown: readonly ActionResult[]; more: number } {
  if (opts.topPerAudit === undefined) return { shown: report.actions, more: 0 };
  const idle = report.actions.filter((a) => NOTHING_ATTEMPTED.has(a.outcome));
  const kept = new Set(capped(idle, opts.topPerAudit).shown);
  const shown = report.actions.filter((a) => !NOTHING_ATTEMPTED.has(a.outcome) || kept.has(a));
  return { shown, more: report.actions.length - shown.length };
}

/** The line under a trimmed remediation list, shared by both bodies. */
export const moreActionsNote = (n: number) => `${n} more steps skipped or refused (nothing attempted, nothing to undo): see the remediation column of findings.csv`;

/** At most `n` of `list` (all when n is undefined), and how many were left out. */
export function capped<T>(list: readonly T[], n: number | undefined): { shown: readonly T[]; more: number } {
  const shown = n === undefined ? list : list.slice(0, n);
  return { shown, more: list.length - shown.length };
}
