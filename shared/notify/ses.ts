import type { Clients } from '../aws/clients';
import { NotifyError, errorCode, errorMessage } from '../errors';
import { buildMime, type Message } from './mime';

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

/**
 * Sends the message through SES v2 as raw MIME, in `region`. The endpoint is the SDK's
 * (AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL). A failure becomes a NotifyError naming the cause.
 */
export async function sendEmail(clients: Clients, region: string, message: Message): Promise<{ messageId: string; bytes: number }> {
  return sendRaw(clients, region, message, await buildMime(message));
}

/** Sends an already built MIME message (`raw`, from buildMime(message)); the envelope comes from `message`. */
export async function sendRaw(clients: Clients, region: string, message: Message, raw: Buffer): Promise<{ messageId: string; bytes: number }> {
  try {
    // Loaded when a message is sent: dry runs and runs that send nothing never load the SES client.
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const res = await clients.get(SESv2Client, 'sesv2', region).send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: [...message.to], CcAddresses: [...(message.cc ?? [])] },
        Content: { Raw: { Data: raw } },
      }),
    );
    return { messageId: res.MessageId ?? '', bytes: raw.length };
  } catch (error) {
    const code = errorCode(error);
    throw new NotifyError(`email not sent: ${CAUSES[code] ?? code}: ${errorMessage(error)}`, code, { cause: error });
  }
}
