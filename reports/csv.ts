import { stringify } from 'csv-stringify/sync';
import type { Finding } from '../shared/model';
import { inReportOrder } from './order';

export const CSV_COLUMNS = ['auditId', 'status', 'severity', 'suppressedBy', 'resource', 'resourceId', 'resourceType', 'region', 'account', 'reason', 'evidence'] as const;

const HEADER = stringify([[...CSV_COLUMNS]]);

/** The findings as CSV lines (escaped by csv-stringify: commas, quotes, newlines in tag values), most important first. */
export interface CsvLines {
  readonly header: string;
  readonly lines: readonly string[];
  /** UTF-8 size of each line. */
  readonly bytes: readonly number[];
}

/** Each finding's CSV line, stringified once: the full file and every cut are joined from these. */
export function csvLines(findings: readonly Finding[]): CsvLines {
  const ordered = inReportOrder(findings);
  const lines: string[] = new Array<string>(ordered.length);
  const bytes: number[] = new Array<number>(ordered.length);
  ordered.forEach((f, i) => {
    const line = stringify([[f.auditId, f.status, f.severity, f.suppressed?.by ?? '', f.resource, f.resourceId, f.resourceType, f.region, f.account, f.reason, JSON.stringify(f.evidence)]]);
    lines[i] = line;
    bytes[i] = Buffer.byteLength(line);
  });
  return { header: HEADER, lines, bytes };
}

/** One row per finding, with a header. */
export function findingsCsv(findings: readonly Finding[]): string {
  const { header, lines } = csvLines(findings);
  return header + lines.join('');
}

/**
 * The CSV cut to at most `maxBytes` (UTF-8), most important findings first, ending with a row that says
 * how many were left out (status and auditId empty, the note in `reason`). Returns the rows kept.
 */
export function cutCsv(csv: CsvLines, maxBytes: number): { csv: string; included: number } {
  const total = csv.lines.length;
  const note = (n: number) => stringify([['', '', '', '', '', '', '', '', '', `CUT: ${n} of ${total} findings not included (message size limit); the full list is in the run's log and --out files`, '']]);
  let used = Buffer.byteLength(csv.header) + Buffer.byteLength(note(total));
  let included = 0;
  while (included < total && used + (csv.bytes[included] ?? 0) <= maxBytes) used += csv.bytes[included++] ?? 0;
  const kept = csv.header + csv.lines.slice(0, included).join('');
  return included === total ? { csv: kept, included } : { csv: kept + note(total - included), included };
}

/** cutCsv() of `findings`. */
export function findingsCsvCut(findings: readonly Finding[], maxBytes: number): { csv: string; included: number } {
  return cutCsv(csvLines(findings), maxBytes);
}
