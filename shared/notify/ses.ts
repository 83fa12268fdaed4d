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

/** A message without attachments or reply-to: what SES builds the MIME of itself (shared/notify/ses-plain.ts). */
export type PlainMessage = Omit<Message, 'attachments' | 'replyTo'>;

/** The SES v2 client and command a send uses (shared/notify/sesv2.ts), loaded by the caller. */
export type SesSdk = Pick<typeof import('./sesv2'), 'SESv2Client' | 'SendEmailCommand'>;

/**
 * One SendEmail of `content` with `message`'s envelope, in `region`; the endpoint is the SDK's
 * (AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL). A failure becomes a NotifyError naming the cause.
 */
export async function sendWith(sdk: SesSdk, clients: Clients, region: string, message: PlainMessage, content: SendEmailCommandInput['Content']): Promise<{ messageId: string }> {
  try {
    const res = await clients.get(sdk.SESv2Client, 'sesv2', region).send(
      new sdk.SendEmailCommand({
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
