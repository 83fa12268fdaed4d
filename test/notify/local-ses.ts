import { startLocalSes } from '../../cli/demo';

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
}

/**
 * A real aws-ses-v2-local server on a free port, with AWS_ENDPOINT_URL_SESV2 pointing at it for the
 * duration of the test file (restored after). `stored(id)` reads a message back from GET /store.
 */
export function useLocalSes(): { url: () => string; stored: (messageId: string) => Promise<StoredEmail> } {
  let ses: Awaited<ReturnType<typeof startLocalSes>> | undefined;
  const saved = process.env.AWS_ENDPOINT_URL_SESV2;
  beforeAll(async () => {
    ses = await startLocalSes();
    process.env.AWS_ENDPOINT_URL_SESV2 = ses.url;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SESV2;
    else process.env.AWS_ENDPOINT_URL_SESV2 = saved;
    await ses?.close();
  });
  const url = () => {
    if (!ses) throw new Error('local SES not started');
    return ses.url;
  };
  return {
    url,
    stored: async (messageId) => {
      const store = (await fetch(`${url()}/store`).then((r) => r.json())) as { emails: StoredEmail[] };
      const email = store.emails.find((m) => m.messageId === messageId);
      if (!email) throw new Error(`the local SES server holds no message ${messageId}`);
      return email;
    },
  };
}
