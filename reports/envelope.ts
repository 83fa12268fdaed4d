import { countFindings, type Counts } from '../shared/model';
import type { AccountStatus, Report } from '../shared/report';
import { TOOL } from '../shared/version';
import { inReportOrder } from './order';
import { jsonArrayChunks } from './json-chunks';

/**
 * Version of the findings JSON (schemas/findings.schema.json). The major part changes when a field is
 * removed or changes meaning; a new optional field raises the minor part.
 */
export const FINDINGS_SCHEMA_VERSION = '1.2';

/** The `--json` / findings.json / email attachment shape: one run, self-describing. Findings most important first. */
export type FindingsEnvelope = Pick<Report, 'stage' | 'regions' | 'startedAt' | 'finishedAt' | 'dryRun' | 'state' | 'notEvaluated' | 'audits' | 'actions' | 'findings'> & {
  readonly schemaVersion: typeof FINDINGS_SCHEMA_VERSION;
  readonly tool: { readonly name: string; readonly version: string };
  readonly accounts: readonly AccountStatus[];
  /** Over every finding of the run; suppressed ones are counted apart. */
  readonly counts: Counts;
  /** The stage's exemptions past their date, each with the findings it would have covered (1.2). */
  readonly expiredExemptions: NonNullable<Report['expiredExemptions']>;
};

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
    expiredExemptions: report.expiredExemptions ?? [],
    audits: report.audits,
    actions: report.actions,
    findings: inReportOrder(report.findings),
  };
}

export function findingsJson(report: Report): string {
  return `${JSON.stringify(findingsEnvelope(report), null, 2)}\n`;
}

/** Where JSON.stringify(envelope, null, 2) ends: `findings`, its last key, here empty. */
const EMPTY_TAIL = '[]\n}';

/**
 * findingsJson() as a stream of text chunks, byte for byte the same: the envelope without its findings,
 * then the findings a batch at a time, indented as JSON.stringify(envelope, null, 2) indents them. A file
 * or an attachment is written from it without the whole document ever being one string.
 */
export function* findingsJsonChunks(report: Report): Generator<string> {
  const envelope = findingsEnvelope(report);
  const head = JSON.stringify({ ...envelope, findings: [] }, null, 2);
  yield head.slice(0, -EMPTY_TAIL.length);
  yield* jsonArrayChunks(envelope.findings, (f) => f, '    ');
  yield '\n}\n';
}
