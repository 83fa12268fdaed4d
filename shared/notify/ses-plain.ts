import type { Clients } from '../aws/clients';
import { sendWith, type PlainMessage } from './ses';
// Imported statically, unlike sendRaw's SES client: esbuild keeps a module that is import()ed whole (all of
// SES v2's ~120 commands and their schemas, ~95 KB the operator guard parsed at every cold start); imported
// so, only SendEmail's own code is bundled. The CLI never loads this module.
import * as sdk from './sesv2';

/**
 * Sends a plain message (subject, text and HTML parts, no attachment) through SES v2 as Simple content: SES
 * builds the MIME, so a sender of short notices (the operator guard) carries no MIME library. In `region`;
 * the endpoint is the SDK's (AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL). A failure becomes a NotifyError.
 */
export async function sendEmail(clients: Clients, region: string, message: PlainMessage): Promise<{ messageId: string }> {
  const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
  return sendWith(sdk, clients, region, message, { Simple: { Subject: utf8(message.subject), Body: { Text: utf8(message.text), Html: utf8(message.html) } } });
}
