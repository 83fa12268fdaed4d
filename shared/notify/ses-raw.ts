import type { Clients } from '../aws/clients';
import type { Message } from './mime';
import { sendWith, type SesSdk } from './ses';

/** Sends an already built MIME message (`raw`, from buildMime(message)); the envelope comes from `message`. */
export async function sendRaw(clients: Clients, region: string, message: Message, raw: Buffer): Promise<{ messageId: string; bytes: number }> {
  // Loaded when a message is sent: dry runs and runs that send nothing (and the CLI's other commands) never load the SES client.
  const sdk = (await import('./sesv2')) as SesSdk;
  return { ...(await sendWith(sdk, clients, region, message, { Raw: { Data: raw } })), bytes: raw.length };
}
