import { stringify } from 'csv-stringify/sync';
import type { ActionResult } from '../shared/actions/types';
import { undoText } from '../shared/actions/undo';
import type { Finding } from '../shared/model';
import { stepOf } from './actions';
import { inReportOrder } from './order';

/** `remediation` is the step taken on the finding's resource (`action: outcome`); `undo` the command that reverses it. */
export const CSV_COLUMNS = ['auditId', 'status', 'severity', 'suppressedBy', 'resource', 'resourceId', 'resourceType', 'region', 'account', 'reason', 'evidence', 'remediation', 'undo'] as const;

const HEADER = stringify([[...CSV_COLUMNS]]);

/**
 * The findings' CSV rows (escaped by csv-stringify: commas, quotes, newlines in tag values), most important
 * first, as one UTF-8 buffer: a large report's rows take one byte a character and no object each, and a cut
 * is a slice of it.
 */
export interface CsvLines {
  readonly header: string;
  readonly body: Buffer;
  /** Where each row ends in `body`: one per row encoded. */
  readonly ends: Uint32Array;
  /** Every finding has its row (false when encoding stopped at `limitBytes`). */
  readonly complete: boolean;
  /** Findings in the report. */
  readonly total: number;
}

/** Rows are encoded this many at a time: each batch's strings are short-lived. */
const BATCH = 1000;

/**
 * Each finding's CSV row, stringified once: the full file and every cut are taken from these. `actions` fill
 * the remediation columns. With `limitBytes`, encoding stops once the rows pass that size: an email that can
 * only hold a cut never pays for the rows it cannot hold.
 */
export function csvLines(findings: readonly Finding[], actions: readonly ActionResult[] = [], limitBytes = Number.POSITIVE_INFINITY): CsvLines {
  const ordered = inReportOrder(findings);
  const step = stepOf(actions);
  const ends = new Uint32Array(ordered.length);
  const chunks: Buffer[] = [];
  let offset = 0;
  let start = 0;
  for (; start < ordered.length && offset <= limitBytes; start += BATCH) {
    const batch = ordered.slice(start, start + BATCH).map((f, k) => {
      const a = step(f);
      const remediation = [a ? `${a.action}: ${a.outcome}` : '', a?.undo ? undoText(a.undo) : ''];
      const line = stringify([[f.auditId, f.status, f.severity, f.suppressed?.by ?? '', f.resource, f.resourceId, f.resourceType, f.region, f.account, f.reason, JSON.stringify(f.evidence), ...remediation]]);
      offset += Buffer.byteLength(line);
      ends[start + k] = offset;
      return line;
    });
    chunks.push(Buffer.from(batch.join('')));
  }
  const encoded = Math.min(start, ordered.length);
  return { header: HEADER, body: Buffer.concat(chunks, offset), ends: ends.subarray(0, encoded), complete: encoded === ordered.length, total: ordered.length };
}

/** One row per finding, with a header. */
export function findingsCsv(findings: readonly Finding[], actions: readonly ActionResult[] = []): string {
  const { header, body } = csvLines(findings, actions);
  return header + body.toString();
}

/**
 * The CSV cut to at most `maxBytes` (UTF-8), most important findings first, ending with a row that says
 * how many were left out (status and auditId empty, the note in `reason`). Returns the rows kept.
 */
export function cutCsv(csv: CsvLines, maxBytes: number): { csv: Buffer; included: number } {
  const { total } = csv;
  const encoded = csv.ends.length;
  const note = (n: number) => stringify([CSV_COLUMNS.map((c) => (c === 'reason' ? `CUT: ${n} of ${total} findings not included (message size limit); the full list is in the run's log and --out files` : ''))]);
  const room = maxBytes - Buffer.byteLength(csv.header) - Buffer.byteLength(note(total));
  let included = 0;
  while (included < encoded && (csv.ends[included] ?? 0) <= room) included++;
  const kept = [Buffer.from(csv.header), csv.body.subarray(0, included === 0 ? 0 : csv.ends[included - 1])];
  return { csv: Buffer.concat(included === total ? kept : [...kept, Buffer.from(note(total - included))]), included };
}

/** cutCsv() of `findings`, as text. */
export function findingsCsvCut(findings: readonly Finding[], maxBytes: number, actions: readonly ActionResult[] = []): { csv: string; included: number } {
  const { csv, included } = cutCsv(csvLines(findings, actions), maxBytes);
  return { csv: csv.toString(), included };
}
