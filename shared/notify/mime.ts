import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';

/**
 * An attachment's content given as its chunks (e.g. a cut CSV's slices, the JSON a batch at a time): it is
 * encoded a piece at a time and never joined into one string or buffer. Re-iterable, so a message can be
 * built more than once.
 */
export type Chunks = Iterable<Buffer | string>;

export interface Attachment {
  readonly filename: string;
  /** Text, its UTF-8 bytes, or its chunks. */
  readonly content: string | Buffer | Chunks;
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

/** Pieces handed to the base64 encoder: each becomes a short-lived string a third larger. */
const PIECE_BYTES = 48 * 1024;

function* pieces(chunks: Chunks): Generator<Buffer> {
  for (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) yield bytes.subarray(at, at + PIECE_BYTES);
  }
}

/** What nodemailer reads: text and bytes as they are; chunks (and large buffers) as a stream of small pieces. */
function contentOf(content: Attachment['content']): string | Buffer | Readable {
  if (typeof content === 'string') return content;
  if (Buffer.isBuffer(content) && content.length <= PIECE_BYTES) return content;
  return Readable.from(pieces(Buffer.isBuffer(content) ? [content] : content), { objectMode: false });
}

/**
 * Builds the multipart MIME message with nodemailer's composer (never by hand). Attachments are streamed
 * into it a piece at a time and its output is copied into one buffer of `sizeHint` bytes (grown when it
 * is short): the message is the one large buffer a build holds, never its chunks and their join at once.
 */
export async function buildMime(message: Message, sizeHint = 64 * 1024): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: [...message.to],
    cc: message.cc && message.cc.length > 0 ? [...message.cc] : undefined,
    replyTo: message.replyTo && message.replyTo.length > 0 ? [...message.replyTo] : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, content: contentOf(a.content), contentType: a.contentType })),
  });
  let out = Buffer.allocUnsafe(sizeHint);
  let length = 0;
  for await (const chunk of composer.compile().createReadStream() as AsyncIterable<Buffer>) {
    if (length + chunk.length > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, length + chunk.length));
      out.copy(grown, 0, 0, length);
      out = grown;
    }
    length += chunk.copy(out, length);
  }
  return out.subarray(0, length);
}
