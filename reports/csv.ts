import { stringify } from 'csv-stringify/sync';
import type { ActionResult } from '../shared/actions/types';
import { undoText } from '../shared/actions/undo';
import type { Finding } from '../shared/model';
import { stepOf } from './actions';
import { inReportOrder } from './order';

/** `remediation` is the step taken on the finding's resource (`action: outcome`); `undo` the command that reverses it. */
export const CSV_COLUMNS = ['auditId', 'status', 'severity', 'suppressedBy', 'resource', 'resourceId', 'resourceType', 'region', 'account', 'reason', 'evidence', 'remediation', 'undo'] as const;

const HEADER = stringify([[...CSV_COLUMNS]]);

/** The findings as CSV lines (escaped by csv-stringify: commas, quotes, newlines in tag values), most important first. */
export interface CsvLines {
  readonly header: string;
  readonly lines: readonly string[];
  /** UTF-8 size of each line. */
  readonly bytes: readonly number[];
}

/** Each finding's CSV line, stringified once: the full file and every cut are joined from these. `actions` fill the remediation columns. */
export function csvLines(findings: readonly Finding[], actions: readonly ActionResult[] = []): CsvLines {
  const ordered = inReportOrder(findings);
  const step = stepOf(actions);
  const lines: string[] = new Array<string>(ordered.length);
  const bytes: number[] = new Array<number>(ordered.length);
  ordered.forEach((f, i) => {
    const a = step(f);
    const remediation = [a ? `${a.action}: ${a.outcome}` : '', a?.undo ? undoText(a.undo) : ''];
    const line = stringify([[f.auditId, f.status, f.severity, f.suppressed?.by ?? '', f.resource, f.resourceId, f.resourceType, f.region, f.account, f.reason, JSON.stringify(f.evidence), ...remediation]]);
    lines[i] = line;
    bytes[i] = Buffer.byteLength(line);
  });
  return { header: HEADER, lines, bytes };
}

/** One row per finding, with a header. */
export function findingsCsv(findings: readonly Finding[], actions: readonly ActionResult[] = []): string {
  const { header, lines } = csvLines(findings, actions);
  return header + lines.join('');
}

/**
 * The CSV cut to at most `maxBytes` (UTF-8), most important findings first, ending with a row that says
 * how many were left out (status and auditId empty, the note in `reason`). Returns the rows kept.
 */
export function cutCsv(csv: CsvLines, maxBytes: number): { csv: string; included: number } {
  const total = csv.lines.length;
  const note = (n: number) => stringify([CSV_COLUMNS.map((c) => (c === 'reason' ? `CUT: ${n} of ${total} findings not included (message size limit); the full list is in the run's log and --out files` : ''))]);
  let used = Buffer.byteLength(csv.header) + Buffer.byteLength(note(total));
  let included = 0;
  while (included < total && used + (csv.bytes[included] ?? 0) <= maxBytes) used += csv.bytes[included++] ?? 0;
  const kept = csv.header + csv.lines.slice(0, included).join('');
  return included === total ? { csv: kept, included } : { csv: kept + note(total - included), included };
}

/** cutCsv() of `findings`. */
export function findingsCsvCut(findings: readonly Finding[], maxBytes: number, actions: readonly ActionResult[] = []): { csv: string; included: number } {
  return cutCsv(csvLines(findings, actions), maxBytes);
}
