import type { Clients } from '../aws/clients';
import { NotifyError, errorCode, errorMessage } from '../errors';
import type { Message } from './mime';
import type { SendEmailCommandInput } from './sesv2';

/** SES's default maximum message size (raw, after encoding). */
export const SES_MAX_BYTES = 10 * 1024 * 1024;

const CAUSES: Record<string, string> = {
  MessageRejected: 'SES rejected the message (in the SES sandbox every recipient must be verified)',
  MailFromDomainNotVerifiedException: 'the sender domain is not verified in SES',
  NotFoundException: 'the sender identity is not verified in SES',
  AccountSuspendedException: 'sending is paused for this account',
  SendingPausedException: 'sending is paused for this account or configuration set',
  TooManyRequestsException: 'SES throttled the send and retries ran out',
  LimitExceededException: 'SES sending quota exceeded',
};

/** A message without attachments or reply-to: what SES builds the MIME of itself (sendEmail). */
export type PlainMessage = Omit<Message, 'attachments' | 'replyTo'>;

/**
 * Sends a plain message (subject, text and HTML parts, no attachment) through SES v2 as Simple content: SES
 * builds the MIME, so a sender of short notices (the operator guard) carries no MIME library. In `region`;
 * the endpoint is the SDK's (AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL). A failure becomes a NotifyError.
 */
export async function sendEmail(clients: Clients, region: string, message: PlainMessage): Promise<{ messageId: string }> {
  const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
  const content = { Simple: { Subject: utf8(message.subject), Body: { Text: utf8(message.text), Html: utf8(message.html) } } };
  return send(clients, region, message, content);
}

/** Sends an already built MIME message (`raw`, from buildMime(message)); the envelope comes from `message`. */
export async function sendRaw(clients: Clients, region: string, message: Message, raw: Buffer): Promise<{ messageId: string; bytes: number }> {
  return { ...(await send(clients, region, message, { Raw: { Data: raw } })), bytes: raw.length };
}

async function send(clients: Clients, region: string, message: PlainMessage, content: SendEmailCommandInput['Content']): Promise<{ messageId: string }> {
  try {
    // Loaded when a message is sent: dry runs and runs that send nothing never load the SES client.
    const { SESv2Client, SendEmailCommand } = await import('./sesv2');
    const res = await clients.get(SESv2Client, 'sesv2', region).send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: [...message.to], CcAddresses: [...(message.cc ?? [])] },
        Content: content,
      }),
    );
    return { messageId: res.MessageId ?? '' };
  } catch (error) {
    const code = errorCode(error);
    throw new NotifyError(`email not sent: ${CAUSES[code] ?? code}: ${errorMessage(error)}`, code, { cause: error });
  }
}
