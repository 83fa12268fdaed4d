import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Rendered } from '../reports/index';
import { PHASES, type AccountStatus, type Report } from '../shared/report';
import type { RequestStats } from '../shared/aws/stats';
import type { SinkResults } from '../shared/sinks';
import type { ActionResult } from '../shared/actions/types';
import { actionLines } from '../reports/actions';

/** 0 clean, 1 findings, 2 incomplete, 3 bad input, 4 the report was produced (files written, summary printed) but not delivered. */
export const EXIT = { clean: 0, findings: 1, incomplete: 2, badInput: 3, notDelivered: 4 } as const;

/** The first line of a message, at most `max` characters: an error from a send must never flood the terminal. */
export function oneLine(message: string, max = 300): string {
  const first = message.split(/\r?\n/, 1)[0] ?? '';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** report.html, report.txt, findings.csv, findings.json (and message.eml) in `dir`; the CSV and JSON written a chunk at a time. */
export async function writeOut(dir: string, rendered: Rendered, eml?: Buffer): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: [string, string | Buffer | Iterable<string | Buffer>][] = [
    ['report.html', rendered.html],
    ['report.txt', rendered.text],
    ['findings.csv', rendered.csvChunks()],
    ['findings.json', rendered.jsonChunks()],
  ];
  if (eml) files.push(['message.eml', eml]);
  const paths: string[] = [];
  for (const [name, content] of files) {
    const path = join(dir, name);
    await writeContent(path, content);
    paths.push(path);
  }
  return paths;
}

/**
 * Writes chunks to `stream` one after the other, waiting whenever its buffer is full (a large CSV or JSON is
 * never held whole, and a slow reader of a pipe holds the writer back). `end: false` leaves it open (stdout).
 */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string | Buffer>, end = true): Promise<void> {
  await pipeline(Readable.from(chunks), stream, { end });
}

/** Writes text, bytes, or chunks one after the other. */
async function writeContent(path: string, content: string | Buffer | Iterable<string | Buffer>): Promise<void> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(path, content);
  else await writeChunks(createWriteStream(path), content);
}

/** Writes `content` to `path`, creating its folder; chunks are written one after the other. */
export async function writeFile(path: string, content: string | Buffer | Iterable<string | Buffer>): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await writeContent(path, content);
}

/**
 * A document as one line of output prints it (`console.log(text.trimEnd())`), a chunk at a time: trailing
 * whitespace held back until more text follows, one newline at the end.
 */
export function* asPrinted(chunks: Iterable<string | Buffer>): Generator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const trimmed = text.trimEnd();
    if (trimmed.length === 0) {
      pending += text;
      continue;
    }
    yield pending + trimmed;
    pending = text.slice(trimmed.length);
  }
  const rest = (pending + decoder.end()).trimEnd();
  yield `${rest}\n`;
}

/** Where `--json -` / `--csv -` go: a chunk at a time to stdout, or (a caller capturing `out`) as one string. */
export type DocumentSink = (chunks: Iterable<string | Buffer>) => Promise<void>;

/** Streams documents to `stream` (stdout), honouring its backpressure. */
export const streamDocument = (stream: NodeJS.WritableStream): DocumentSink => (chunks) => writeChunks(stream, asPrinted(chunks), false);

/** Hands each document to `out` whole, as printed: for callers (tests) that capture what is printed. */
export const printDocument = (out: (s: string) => void): DocumentSink => async (chunks) => out([...asPrinted(chunks)].join('').slice(0, -1));

/** The summary table printed after every run. */
export function summaryTable(report: Report): string {
  const head = ['audit', 'FAIL', 'WARN', 'ERROR', 'PASS', 'suppressed'];
  const rows = report.audits.map((a) => [a.id, a.counts.FAIL, a.counts.WARN, a.counts.ERROR, a.counts.PASS, a.counts.suppressed].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function statsTable(stats: RequestStats, report: Report): string {
  const rows = stats.rows();
  const lines = ['AWS requests (calls / requests incl. retries):', ...rows.map((r) => `  ${r.operation.padEnd(44)} ${String(r.calls).padStart(5)} ${String(r.requests).padStart(5)}`), `  ${'total'.padEnd(44)} ${String(rows.reduce((n, r) => n + r.calls, 0)).padStart(5)} ${String(stats.total()).padStart(5)}`];
  // Every phase, in pipeline order; `-` for one that did not run (collect, when auditing a saved inventory).
  lines.push('Wall time per phase (ms):', ...PHASES.map((p) => `  ${p.padEnd(10)} ${report.timings[p] ?? '-'}`));
  return lines.join('\n');
}

/** One line per channel next to the email: Security Hub and each webhook (by parameter name, never its URL). */
export function sinkLines(sinks: SinkResults): string[] {
  const lines: string[] = [];
  const hub = sinks.securityHub;
  if (hub) {
    lines.push(hub.sent ? `security hub (${hub.region}): ${hub.imported} imported (${hub.archived} archived as resolved) in ${hub.calls} calls${hub.accounts !== undefined ? ` in ${hub.accounts} member accounts, each in its own Security Hub` : ''}${hub.failed.length > 0 ? `, ${hub.failed.length} failed` : ''}` : `security hub: not sent: ${hub.reason} (${hub.wouldImport} findings)`);
  }
  for (const w of sinks.webhooks) lines.push(w.sent ? `${w.kind} webhook (${w.urlParameter}): sent` : `${w.kind} webhook (${w.urlParameter}): not sent: ${w.reason}`);
  for (const f of sinks.failures) lines.push(`NOT DELIVERED: ${f}`);
  return lines;
}

/** One line per account of an organization run: audited, skipped (and why), or NOT AUDITED (and why). */
export function accountsTable(accounts: readonly AccountStatus[]): string {
  const width = Math.max(...accounts.map((a) => (a.alias ?? '').length), 4);
  if (accounts.length === 0) return 'accounts: none in scope: no account audited';
  return ['accounts:', ...accounts.map((a) => `  ${a.id}  ${(a.alias ?? '').padEnd(width)}  ${a.status === 'error' ? 'NOT AUDITED' : a.status}${a.reason ? `: ${a.reason}` : ''}`)].join('\n');
}

/**
 * The remediation steps of a run, each with the command that reverses it (as in the report's text body).
 * `byAccount` (an organization run): each step names its member account (from its resource ARN), whose
 * member role its undo command must run with.
 */
export function actionsText(actions: readonly ActionResult[], title = 'remediation:', byAccount = false): string {
  const prefix = (a: ActionResult): string => (byAccount ? `  - account ${a.resource.startsWith('arn:') ? a.resource.split(':')[4] || 'unknown' : 'unknown'}: ` : '  - ');
  return [title, ...actions.flatMap((a) => actionLines(a, prefix(a)))].join('\n');
}
