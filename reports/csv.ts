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
 * first, as UTF-8 written into a few large buffers: a large report's rows take one byte a character and no
 * object each, and a cut is a set of slices of them.
 */
export interface CsvLines {
  readonly header: string;
  /** The rows, in order, filling these buffers one after the other. */
  readonly body: readonly Buffer[];
  /** Bytes of all rows in `body`. */
  readonly bytes: number;
  /** Where each row ends, counted in bytes of rows from the first: one per row encoded. */
  readonly ends: Uint32Array;
  /** Every finding has its row (false when encoding stopped at `limitBytes`). */
  readonly complete: boolean;
  /** Findings in the report. */
  readonly total: number;
}

/** Rows are written into buffers of this size (a longer row gets its own). */
const BLOCK_BYTES = 1024 * 1024;
/** Rows are joined this many at a time when streamed: each batch's strings are short-lived. */
const BATCH = 1000;

/** Each finding's row, in report order, stringified by csv-stringify as it is read. */
function* rows(findings: readonly Finding[], actions: readonly ActionResult[]): Generator<string> {
  const step = stepOf(actions);
  for (const f of inReportOrder(findings)) {
    const a = step(f);
    const remediation = [a ? `${a.action}: ${a.outcome}` : '', a?.undo ? undoText(a.undo) : ''];
    yield stringify([[f.auditId, f.status, f.severity, f.suppressed?.by ?? '', f.resource, f.resourceId, f.resourceType, f.region, f.account, f.reason, JSON.stringify(f.evidence), ...remediation]]);
  }
}

/**
 * Each finding's CSV row, stringified once: the full file and every cut are taken from these. `actions` fill
 * the remediation columns. With `limitBytes`, encoding stops once the rows pass that size: an email that can
 * only hold a cut never pays for the rows it cannot hold. `blockBytes`: the size of the buffers rows are
 * written into (default 1 MiB).
 */
export function csvLines(findings: readonly Finding[], actions: readonly ActionResult[] = [], limitBytes = Number.POSITIVE_INFINITY, blockBytes = BLOCK_BYTES): CsvLines {
  const ends = new Uint32Array(findings.length);
  const body: Buffer[] = [];
  let block = Buffer.alloc(0);
  let used = 0;
  let offset = 0;
  let encoded = 0;
  for (const line of rows(findings, actions)) {
    if (offset > limitBytes) break;
    const bytes = Buffer.byteLength(line);
    if (used + bytes > block.length) {
      if (used > 0) body.push(block.subarray(0, used));
      block = Buffer.allocUnsafe(Math.max(blockBytes, bytes));
      used = 0;
    }
    used += block.write(line, used);
    ends[encoded++] = offset += bytes;
  }
  if (used > 0) body.push(block.subarray(0, used));
  return { header: HEADER, body, bytes: offset, ends: ends.subarray(0, encoded), complete: encoded === findings.length, total: findings.length };
}

/** The first `bytes` of `buffers` taken in order, as slices (nothing copied). */
function head(buffers: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let left = bytes;
  for (const b of buffers) {
    if (left <= 0) break;
    out.push(b.subarray(0, left));
    left -= b.length;
  }
  return out;
}

/**
 * The full CSV (header, then one row per finding) as a stream of chunks, a batch of rows each: files and
 * streams are written from it without the whole file ever being one string or buffer.
 */
export function* csvChunks(findings: readonly Finding[], actions: readonly ActionResult[] = []): Generator<Buffer> {
  yield Buffer.from(HEADER);
  let batch: string[] = [];
  for (const line of rows(findings, actions)) {
    batch.push(line);
    if (batch.length === BATCH) {
      yield Buffer.from(batch.join(''));
      batch = [];
    }
  }
  if (batch.length > 0) yield Buffer.from(batch.join(''));
}

/** One row per finding, with a header: csvChunks() joined. */
export function findingsCsv(findings: readonly Finding[], actions: readonly ActionResult[] = []): string {
  return Buffer.concat([...csvChunks(findings, actions)]).toString();
}

/** A cut CSV as the chunks it is made of (slices of the encoded rows, never copied): header, rows, the note. */
export interface CsvCut {
  readonly chunks: readonly Buffer[];
  /** Bytes in all chunks. */
  readonly bytes: number;
  /** Rows kept. */
  readonly included: number;
}

/**
 * The CSV cut to at most `maxBytes` (UTF-8), most important findings first, ending with a row that says
 * how many were left out (status and auditId empty, the note in `reason`). Slices `csv`, copies nothing.
 */
export function cutCsvChunks(csv: CsvLines, maxBytes: number): CsvCut {
  const { total } = csv;
  const encoded = csv.ends.length;
  const note = (n: number) => stringify([CSV_COLUMNS.map((c) => (c === 'reason' ? `CUT: ${n} of ${total} findings not included (message size limit); the full list is in the run's log and --out files` : ''))]);
  const room = maxBytes - Buffer.byteLength(csv.header) - Buffer.byteLength(note(total));
  let included = 0;
  while (included < encoded && (csv.ends[included] ?? 0) <= room) included++;
  const chunks = [Buffer.from(csv.header), ...head(csv.body, included === 0 ? 0 : (csv.ends[included - 1] ?? 0))];
  if (included < total) chunks.push(Buffer.from(note(total - included)));
  return { chunks, bytes: chunks.reduce((n, c) => n + c.length, 0), included };
}

/** cutCsvChunks() as one buffer. Returns the rows kept. */
export function cutCsv(csv: CsvLines, maxBytes: number): { csv: Buffer; included: number } {
  const { chunks, bytes, included } = cutCsvChunks(csv, maxBytes);
  return { csv: Buffer.concat(chunks, bytes), included };
}

/** cutCsv() of `findings`, as text. */
export function findingsCsvCut(findings: readonly Finding[], maxBytes: number, actions: readonly ActionResult[] = []): { csv: string; included: number } {
  const { csv, included } = cutCsv(csvLines(findings, actions), maxBytes);
  return { csv: csv.toString(), included };
}
