import { csvLines, cutCsvChunks, type CsvCut } from '../reports/csv';
import { findingsJsonChunks } from '../reports/envelope';
import { renderBodies, renderedWith, type AttachmentCut, type Bodies, type Rendered, type RenderOptions } from '../reports/index';
import { layout, type Layout } from '../reports/layout';
import { subject } from '../reports/subject';
import type { Changes } from './state/diff';
import { buildMime, type Attachment, type Chunks, type Message } from './notify/mime';
import type { Report } from './report';

/** FAIL/WARN findings listed per audit when the full report would not fit in one message. */
export const TOP_PER_AUDIT = 25;

/**
 * What the size of a cut message may differ from its estimate by: the kept count, written in both bodies,
 * has more digits than the row-less message measured (and may move a quoted-printable soft line break).
 */
const SLACK_BYTES = 256;

/** MIME headers and part boundaries, in the size a message's buffer starts with. */
const HEADROOM_BYTES = 16 * 1024;

export type Envelope = Pick<Message, 'from' | 'to' | 'cc' | 'replyTo'>;

export interface Fitted {
  /** The bodies as sent; csv and json always complete (for files and the dry-run result). */
  readonly rendered: Rendered;
  readonly message: Message;
  readonly raw: Buffer;
  /** Set when the bodies list only the top findings per audit. */
  readonly topPerAudit?: number;
  readonly cut?: AttachmentCut;
}

/** How fitReport() renders and builds: injectable so a test can count what a fit costs. */
export interface FitTools {
  /** Both bodies from one layout (default renderBodies). */
  readonly bodies: (report: Report, opts: RenderOptions, l?: Layout) => Bodies;
  /** The MIME message (default buildMime), into a buffer of about `sizeHint` bytes. */
  readonly build: (message: Message, sizeHint?: number) => Promise<Buffer>;
}

const TOOLS: FitTools = { bodies: renderBodies, build: buildMime };

/** Chunks that a generator function makes afresh each time they are read. */
const chunksOf = (make: () => Iterable<Buffer | string>): Chunks => ({ [Symbol.iterator]: () => make()[Symbol.iterator]() });

const csvAttachment = (content: Chunks): Attachment => ({ filename: 'findings.csv', content, contentType: 'text/csv' });
const jsonAttachment = (content: Chunks): Attachment => ({ filename: 'findings.json', content, contentType: 'application/json' });

function messageOf(envelope: Envelope, subjectLine: string, bodies: Bodies, attachments: readonly Attachment[]): Message {
  return { ...envelope, subject: subjectLine, text: bodies.text, html: bodies.html, attachments };
}

/** The email of a rendered report: HTML + text parts, findings CSV (and JSON when `attachJson`) attached from their chunks. */
export function composeMessage(envelope: Envelope, rendered: Rendered, attachJson: boolean): Message {
  const json = attachJson ? [jsonAttachment(chunksOf(() => rendered.jsonChunks()))] : [];
  return messageOf(envelope, rendered.subject, rendered, [csvAttachment(chunksOf(() => rendered.csvChunks())), ...json]);
}

/**
 * The size of `n` bytes in base64 as nodemailer's encoder writes an attachment: the whole 3-byte groups in
 * lines of 76 characters, each full one ended by CRLF unless it is the only line, then the last 1-2 bytes'
 * 4 characters appended unwrapped. Exact for content given whole; for content streamed in pieces the
 * encoder may leave out a line break or two, so it is an upper bound.
 */
export function base64Bytes(n: number): number {
  const rest = n % 3;
  const chars = ((n - rest) / 3) * 4;
  return (chars <= 76 ? chars : chars + 2 * Math.floor(chars / 76)) + (rest > 0 ? 4 : 0);
}

/** The most bytes whose base64 (base64Bytes) takes at most `room`. */
export function bytesInBase64(room: number): number {
  // base64Bytes never falls as n grows, and never is below n.
  let [lo, hi] = [0, Math.max(0, room)];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (base64Bytes(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const byteCount = (chunks: Iterable<Buffer | string>) => {
  let n = 0;
  for (const c of chunks) n += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
  return n;
};

interface FitOptions {
  readonly report: Report;
  readonly envelope: Envelope;
  readonly attachJson: boolean;
  readonly changes?: Changes;
  readonly maxBytes: number;
}

/**
 * The report as one MIME message no larger than `maxBytes` (default SES's 10 MB): the full report when it
 * fits; else the bodies list the top findings per audit and say how many more are in the attachment; else
 * the JSON copy is left out and the CSV cut, most important first, with a note in the bodies and the CSV.
 * Each finding's CSV row is built once and attachments are streamed into the message from their chunks.
 * A cut is sized by arithmetic (a row-less message measures the rest, base64 sizes are exact), so it takes
 * two renders of the trimmed bodies and two builds, whatever the report's size.
 */
export async function fitReport(opts: FitOptions, tools: FitTools = TOOLS): Promise<Fitted> {
  const { report, envelope, changes, maxBytes } = opts;
  const subjectLine = subject(report);
  // Rows past what base64 could carry in `maxBytes` are never needed: such a CSV is cut, to less than that.
  const lines = csvLines(report.findings, report.actions, (maxBytes * 3) / 4);
  const csvBytes = Buffer.byteLength(lines.header) + lines.bytes;
  // One layout serves every trimmed rendering: it depends on the findings and topPerAudit, not on the cut.
  let trimmedLayout: Layout | undefined;
  const trimmed = (o: RenderOptions = {}) => tools.bodies(report, { changes, topPerAudit: TOP_PER_AUDIT, ...o }, report.organization ? undefined : (trimmedLayout ??= layout(report, { topPerAudit: TOP_PER_AUDIT })));
  // The returned renderings build their full CSV again if read (files): holding every row past the fit would keep a large report's CSV alive twice.
  const fitted = (bodies: Bodies, message: Message, raw: Buffer, extra: Pick<Fitted, 'topPerAudit' | 'cut'> = {}): Fitted => ({ rendered: renderedWith(report, bodies), message, raw, ...extra });
  const tryBuild = async (bodies: Bodies, attachments: readonly Attachment[], attachedBytes: number) => {
    const bodyBytes = Buffer.byteLength(bodies.html) + Buffer.byteLength(bodies.text);
    if (bodyBytes + attachedBytes > maxBytes) return null;
    const message = messageOf(envelope, subjectLine, bodies, attachments);
    // Bodies grow by up to a third in their transfer encoding; headers and boundaries take a few KB.
    const raw = await tools.build(message, Math.min(maxBytes, Math.ceil(bodyBytes * 1.4) + attachedBytes + HEADROOM_BYTES));
    return raw.length <= maxBytes ? { message, raw } : null;
  };
  if (lines.complete && base64Bytes(csvBytes) <= maxBytes) {
    const csv = csvAttachment([Buffer.from(lines.header), ...lines.body]);
    // The JSON is measured a batch at a time and serialised into the message only when it leaves room.
    const attachments = opts.attachJson ? [csv, jsonAttachment(chunksOf(() => findingsJsonChunks(report)))] : [csv];
    const attached = base64Bytes(csvBytes) + (opts.attachJson ? base64Bytes(byteCount(findingsJsonChunks(report))) : 0);
    const complete = tools.bodies(report, { changes });
    const full = await tryBuild(complete, attachments, attached);
    if (full) return fitted(complete, full.message, full.raw);
    const top = trimmed();
    const topBuilt = await tryBuild(top, attachments, attached);
    if (topBuilt) return fitted(top, topBuilt.message, topBuilt.raw, { topPerAudit: TOP_PER_AUDIT });
  }
  const total = report.findings.length;
  const dropped = opts.attachJson ? ['findings.json (the CSV holds the same findings)'] : [];
  const cutMessage = (cut: CsvCut) => {
    const note: AttachmentCut = { included: cut.included, total, dropped, limitBytes: maxBytes };
    const bodies = trimmed({ cut: note });
    return { note, bodies, message: messageOf(envelope, subjectLine, bodies, [csvAttachment(cut.chunks)]) };
  };
  // A message without rows measures everything but the rows, whose base64 size is exact.
  const empty = cutCsvChunks(lines, 0);
  const fixed = (await tools.build(cutMessage(empty).message)).length - base64Bytes(empty.bytes);
  let budget = bytesInBase64(maxBytes - fixed - SLACK_BYTES);
  for (;;) {
    const cut = cutCsvChunks(lines, budget);
    const { note, bodies, message } = cutMessage(cut);
    const raw = await tools.build(message, maxBytes);
    if (raw.length <= maxBytes || budget <= 0) return fitted(bodies, message, raw, { topPerAudit: TOP_PER_AUDIT, cut: note });
    // Only reached if the estimate was off by more than SLACK_BYTES: take the overshoot off the rows.
    budget -= Math.ceil(((raw.length - maxBytes) * 3) / 4) + SLACK_BYTES;
  }
}
