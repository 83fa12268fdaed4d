import { findingsCsvCut } from '../reports/csv';
import { render, type AttachmentCut, type Rendered, type RenderOptions } from '../reports/index';
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
 */
export async function fitReport(opts: { report: Report; envelope: Envelope; attachJson: boolean; changes?: Changes; maxBytes: number }): Promise<Fitted> {
  const { report, envelope, changes, maxBytes } = opts;
  const complete = render(report, { changes });
  // The attachments are rendered once; only the bodies change between attempts.
  const bodies = (o: RenderOptions): Rendered => ({ ...complete, html: renderHtml(report, { changes, ...o }), text: renderText(report, { changes, ...o }) });
  // Skip building a message that cannot fit: attachments grow by a third in base64.
  const attached = Buffer.byteLength(complete.csv) + (opts.attachJson ? Buffer.byteLength(complete.json) : 0);
  if (Buffer.byteLength(complete.html) + Buffer.byteLength(complete.text) + (attached * 4) / 3 <= maxBytes) {
    const full = await built(envelope, complete, opts.attachJson);
    if (full.raw.length <= maxBytes) return full;
  }
  const topPerAudit = TOP_PER_AUDIT;
  const trimmed = bodies({ topPerAudit });
  if (Buffer.byteLength(trimmed.html) + Buffer.byteLength(trimmed.text) + (attached * 4) / 3 <= maxBytes) {
    const top = await built(envelope, trimmed, opts.attachJson, { topPerAudit });
    if (top.raw.length <= maxBytes) return top;
  }
  const total = report.findings.length;
  const dropped = opts.attachJson ? ['findings.json (the CSV holds the same findings)'] : [];
  const cutOf = (included: number): AttachmentCut => ({ included, total, dropped, limitBytes: maxBytes });
  const bare = await buildMime({ ...composeMessage(envelope, bodies({ topPerAudit, cut: cutOf(total) }), false), attachments: [{ filename: 'findings.csv', content: '', contentType: 'text/csv' }] });
  // base64 turns 3 bytes into 4 and breaks lines every 76 characters.
  let budget = Math.floor(((maxBytes - bare.length - MARGIN_BYTES) * 3 * 76) / (4 * 78));
  for (;;) {
    const { csv, included } = findingsCsvCut(report.findings, Math.max(0, budget), report.actions);
    const cut = cutOf(included);
    const rendered = bodies({ topPerAudit, cut });
    const fitted = await built(envelope, { ...rendered, csv }, false, { topPerAudit, cut });
    if (fitted.raw.length <= maxBytes || budget <= 0) return { ...fitted, rendered };
    budget = Math.floor(budget * 0.9);
  }
}
