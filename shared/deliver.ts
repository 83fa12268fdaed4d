import type { Clients } from './aws/clients';
import type { Config } from './config/index';
import { sendEmail } from './notify/ses';
import type { Message } from './notify/mime';
import type { Report } from './report';
import type { Rendered } from '../reports/index';

export type Delivery =
  | { readonly sent: true; readonly messageId: string; readonly to: readonly string[]; readonly bytes: number }
  | { readonly sent: false; readonly reason: string };

/** Builds the email for a report: HTML + text parts, findings CSV (and JSON if configured) attached. */
export function reportMessage(config: Config, rendered: Rendered, to: readonly string[]): Message | null {
  const n = config.notify;
  if (!n) return null;
  return {
    from: n.from,
    to,
    cc: n.cc,
    replyTo: n.replyTo,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    attachments: [
      { filename: 'findings.csv', content: rendered.csv, contentType: 'text/csv' },
      ...(n.attachJson ? [{ filename: 'findings.json', content: rendered.json, contentType: 'application/json' }] : []),
    ],
  };
}

/** Recipients: an audit's own `to` when the run is that one audit, else the stage's. */
export function recipients(config: Config, auditIds: readonly string[]): readonly string[] {
  const own = auditIds.length === 1 ? config.audits[auditIds[0] ?? '']?.to : undefined;
  return own ?? config.notify?.to ?? [];
}

/** Sends the report unless the run is dry, no notify block is set, or sendWhen says not to. */
export async function deliver(opts: { config: Config; report: Report; rendered: Rendered; auditIds: readonly string[]; clients: Clients; dryRun: boolean }): Promise<Delivery> {
  const { config, report } = opts;
  if (opts.dryRun) return { sent: false, reason: 'dry run: nothing sent' };
  const message = reportMessage(config, opts.rendered, recipients(config, opts.auditIds));
  if (!message || !config.notify) return { sent: false, reason: 'no notify settings for this stage' };
  if (config.notify.sendWhen === 'findings' && report.state === 'clean') return { sent: false, reason: 'sendWhen=findings and the report is clean' };
  const res = await sendEmail(opts.clients, config.notify.sesRegion ?? config.region, message);
  return { sent: true, messageId: res.messageId, to: message.to, bytes: res.bytes };
}
