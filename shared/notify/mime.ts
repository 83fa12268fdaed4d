import MailComposer from 'nodemailer/lib/mail-composer';

export interface Attachment {
  readonly filename: string;
  /** Text, or its UTF-8 bytes (a large CSV is kept as bytes). */
  readonly content: string | Buffer;
  readonly contentType: string;
}

export interface Message {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly replyTo?: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly Attachment[];
}

/** Builds the multipart MIME message with nodemailer's composer (never by hand). */
export async function buildMime(message: Message): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: [...message.to],
    cc: message.cc && message.cc.length > 0 ? [...message.cc] : undefined,
    replyTo: message.replyTo && message.replyTo.length > 0 ? [...message.replyTo] : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  return composer.compile().build();
}
