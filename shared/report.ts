import type { ActionResult } from './actions/types';
import type { ExpiredExemption } from './exemptions';
import type { AccountInfo } from './collect/inventory';
import type { SourceError } from './collect/outcome';
import type { OrgSummary } from './org/types';
import { countFinding, emptyCounts, type Counts, type Finding, type Severity } from './model';

export const REPORT_STATES = ['clean', 'findings', 'incomplete'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export interface AuditSummary {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly counts: Counts;
  /** The settings the audit ran with (defaults filled). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The remediation's settings when the stage enabled it, else null. */
  readonly remediation: Readonly<Record<string, unknown>> | null;
}

export const ACCOUNT_STATUSES = ['audited', 'skipped', 'error'] as const;

/** One account of a run: audited, skipped on purpose, or not reachable (an organization run has several). */
export interface AccountStatus extends AccountInfo {
  readonly status: (typeof ACCOUNT_STATUSES)[number];
  /** Why skipped or not reachable. */
  readonly reason?: string;
}

export const PHASES = ['collect', 'evaluate', 'act', 'render', 'notify'] as const;
export type Phase = (typeof PHASES)[number];

/** Everything a run learned; rendering and delivery read only this. */
export interface Report {
  readonly stage: string;
  readonly account: AccountInfo;
  /** Every account of the run with its status; absent = the one `account`, audited. */
  readonly accounts?: readonly AccountStatus[];
  /** An organization run: accounts and OUs with their counts (shared/org/aggregate.ts). */
  readonly organization?: OrgSummary;
  readonly regions: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly dryRun: boolean;
  readonly state: ReportState;
  readonly audits: readonly AuditSummary[];
  readonly findings: readonly Finding[];
  readonly actions: readonly ActionResult[];
  /** The stage's exemptions past their date (they suppressed nothing this run). Absent: none. */
  readonly expiredExemptions?: readonly ExpiredExemption[];
  /** Sources and regions not read: why the report is incomplete. */
  readonly notEvaluated: readonly SourceError[];
  readonly timings: Readonly<Partial<Record<Phase, number>>>;
}

/** incomplete beats findings beats clean: never "all clear" for what was not seen. */
export function reportState(findings: readonly Finding[], notEvaluated: readonly SourceError[]): ReportState {
  if (notEvaluated.length > 0 || findings.some((f) => f.status === 'ERROR')) return 'incomplete';
  if (findings.some((f) => !f.suppressed && (f.status === 'FAIL' || f.status === 'WARN'))) return 'findings';
  return 'clean';
}

type Configured = Readonly<Record<string, Pick<AuditSummary, 'settings' | 'remediation'> | undefined>>;

/** Per-audit counts, with the settings each audit ran with (`configured`: the normalised config's audits). */
export function summarise(audits: readonly { id: string; title: string; severity: Severity }[], findings: readonly Finding[], configured: Configured = {}): AuditSummary[] {
  // One pass over the findings, not one per audit (a large report has 100,000s).
  const counts = new Map(audits.map((a) => [a.id, emptyCounts()]));
  for (const f of findings) {
    const c = counts.get(f.auditId);
    if (c) countFinding(c, f);
  }
  return audits.map((a) => ({
    id: a.id,
    title: a.title,
    severity: a.severity,
    counts: { ...(counts.get(a.id) ?? emptyCounts()) },
    settings: configured[a.id]?.settings ?? {},
    remediation: configured[a.id]?.remediation ?? null,
  }));
}
