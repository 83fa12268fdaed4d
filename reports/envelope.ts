import type { ActionResult } from '../shared/actions/types';
import type { SourceError } from '../shared/collect/outcome';
import { countFindings, type Counts, type Finding } from '../shared/model';
import type { AccountStatus, AuditSummary, Report, ReportState } from '../shared/report';
import { TOOL } from '../shared/version';
import { byImportance } from './order';

/**
 * Version of the findings JSON (schemas/findings.schema.json). The major part changes when a field is
 * removed or changes meaning; a new optional field raises the minor part.
 */
export const FINDINGS_SCHEMA_VERSION = '1.0';

/** The `--json` / findings.json / email attachment shape: one run, self-describing. */
export interface FindingsEnvelope {
  readonly schemaVersion: typeof FINDINGS_SCHEMA_VERSION;
  readonly tool: { readonly name: string; readonly version: string };
  readonly stage: string;
  readonly accounts: readonly AccountStatus[];
  readonly regions: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly dryRun: boolean;
  readonly state: ReportState;
  /** Over every finding of the run; suppressed ones are counted apart. */
  readonly counts: Counts;
  readonly notEvaluated: readonly SourceError[];
  readonly audits: readonly AuditSummary[];
  readonly actions: readonly ActionResult[];
  /** Most important first (ERROR, FAIL, WARN, PASS; by severity). */
  readonly findings: readonly Finding[];
}

/** The run's accounts: the report's list when it has one (an organization run), else its one account, audited. */
export function accountsOf(report: Report): readonly AccountStatus[] {
  return report.accounts ?? [{ ...report.account, status: 'audited' }];
}

/** Pure: Report -> the versioned findings envelope. */
export function findingsEnvelope(report: Report): FindingsEnvelope {
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    stage: report.stage,
    accounts: accountsOf(report),
    regions: report.regions,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    dryRun: report.dryRun,
    state: report.state,
    counts: countFindings(report.findings),
    notEvaluated: report.notEvaluated,
    audits: report.audits,
    actions: report.actions,
    findings: [...report.findings].sort(byImportance),
  };
}

export function findingsJson(report: Report): string {
  return `${JSON.stringify(findingsEnvelope(report), null, 2)}\n`;
}
