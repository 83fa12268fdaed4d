import type { IncomingMessage } from 'node:http';
import { loopbackServer, type Reply } from './loopback';

/**
 * A loopback HTTP server standing in for an AWS endpoint; `respond` answers each request in turn (`n` from
 * 0), or returns null to drop the connection unanswered (a region that cannot be reached).
 */
export async function localEndpoint(respond: (req: IncomingMessage, body: string, n: number) => Reply | null) {
  let n = 0;
  const server = await loopbackServer((req, body) => respond(req, body, n++) ?? 'drop');
  return { url: server.url, requests: server.requests, close: server.close };
}

export const LIST_USERS_XML = `<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>a</UserName><UserId>AIDAX</UserId><Arn>arn:aws:iam::123456789012:user/a</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></Users></ListUsersResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListUsersResponse>`;
