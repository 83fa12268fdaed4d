import { csvLines, cutCsv } from '../reports/csv';
import { renderedWith, type AttachmentCut, type Rendered, type RenderOptions } from '../reports/index';
import { renderHtml } from '../reports/html';
import { renderText } from '../reports/text';
import type { Changes } from './state/diff';
import { buildMime, type Message } from './notify/mime';
import type { Report } from './report';

/** FAIL/WARN findings listed per audit when the full report would not fit in one message. */
export const TOP_PER_AUDIT = 25;

/** MIME headers and part boundaries the estimate does not see. */
const MARGIN_BYTES = 4096;

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

/** The email of a rendered report: HTML + text parts, findings CSV (and JSON when `attachJson`) attached. */
export function composeMessage(envelope: Envelope, rendered: Rendered, attachJson: boolean): Message {
  return {
    ...envelope,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    attachments: [
      { filename: 'findings.csv', content: rendered.csv, contentType: 'text/csv' },
      ...(attachJson ? [{ filename: 'findings.json', content: rendered.json, contentType: 'application/json' }] : []),
    ],
  };
}

async function built(envelope: Envelope, rendered: Rendered, attachJson: boolean, extra: Partial<Fitted> = {}): Promise<Fitted> {
  const message = composeMessage(envelope, rendered, attachJson);
  return { rendered, message, raw: await buildMime(message), ...extra };
}

/**
 * The report as one MIME message no larger than `maxBytes` (default SES's 10 MB): the full report when it
 * fits; else the bodies list the top findings per audit and say how many more are in the attachment; else
 * the JSON copy is left out and the CSV cut, most important first, with a note in the bodies and the CSV.
 * Each finding's CSV line is built once; the full bodies and the JSON are only built when the attachments
 * leave room for them (a large report goes straight to the cut without building either).
 */
export async function fitReport(opts: { report: Report; envelope: Envelope; attachJson: boolean; changes?: Changes; maxBytes: number }): Promise<Fitted> {
  const { report, envelope, changes, maxBytes } = opts;
  // Rows past what base64 could carry in `maxBytes` are never needed: such a CSV is cut, to less than that.
  const lines = csvLines(report.findings, report.actions, (maxBytes * 3) / 4);
  // The returned renderings build their full CSV again if read (files): holding every line past the fit would keep a large report's CSV alive twice.
  const bodies = (o: RenderOptions): Rendered => renderedWith(report, { html: renderHtml(report, { changes, ...o }), text: renderText(report, { changes, ...o }) });
  // Skip building a message that cannot fit: attachments grow by a third in base64.
  const room = (bodyBytes: number, attached: number) => bodyBytes + (attached * 4) / 3 <= maxBytes;
  const size = (r: Rendered) => Buffer.byteLength(r.html) + Buffer.byteLength(r.text);
  const csvBytes = Buffer.byteLength(lines.header) + lines.body.length;
  if (lines.complete && room(0, csvBytes)) {
    const complete = bodies({});
    const attached = csvBytes + (opts.attachJson ? Buffer.byteLength(complete.json) : 0);
    if (room(size(complete), attached)) {
      const full = await built(envelope, complete, opts.attachJson);
      if (full.raw.length <= maxBytes) return full;
    }
    const trimmed = bodies({ topPerAudit: TOP_PER_AUDIT });
    if (room(size(trimmed), attached)) {
      const top = await built(envelope, trimmed, opts.attachJson, { topPerAudit: TOP_PER_AUDIT });
      if (top.raw.length <= maxBytes) return top;
    }
  }
  const topPerAudit = TOP_PER_AUDIT;
  const total = report.findings.length;
  const dropped = opts.attachJson ? ['findings.json (the CSV holds the same findings)'] : [];
  const cutOf = (included: number): AttachmentCut => ({ included, total, dropped, limitBytes: maxBytes });
  const bare = await buildMime({ ...composeMessage(envelope, bodies({ topPerAudit, cut: cutOf(total) }), false), attachments: [{ filename: 'findings.csv', content: '', contentType: 'text/csv' }] });
  // base64 turns 3 bytes into 4 and breaks lines every 76 characters.
  let budget = Math.floor(((maxBytes - bare.length - MARGIN_BYTES) * 3 * 76) / (4 * 78));
  for (;;) {
    const { csv, included } = cutCsv(lines, Math.max(0, budget));
    const cut = cutOf(included);
    const rendered = bodies({ topPerAudit, cut });
    const message = { ...composeMessage(envelope, rendered, false), attachments: [{ filename: 'findings.csv', content: csv, contentType: 'text/csv' }] };
    const raw = await buildMime(message);
    if (raw.length <= maxBytes || budget <= 0) return { rendered, message, raw, topPerAudit, cut };
    budget = Math.floor(budget * 0.9);
  }
}
