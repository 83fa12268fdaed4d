import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server standing in for an AWS endpoint; `respond` answers each request in turn, or
 * returns null to drop the connection unanswered (a region that cannot be reached).
 */
export async function localEndpoint(respond: (req: IncomingMessage, body: string, n: number) => { status: number; body: string; headers?: Record<string, string> } | null) {
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = respond(req, body, n++);
      if (r === null) {
        req.socket.destroy();
        return;
      }
      res.writeHead(r.status, { 'content-type': 'text/xml', ...r.headers });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => n, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export const LIST_USERS_XML = `<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>a</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::123456789012:user/a</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></Users></ListUsersResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListUsersResponse>`;
