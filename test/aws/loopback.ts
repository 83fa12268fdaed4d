import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** `drop`: close the connection unanswered; `hang`: never answer; `{ after, reply }`: answer late. */
export type Answer = Reply | 'drop' | 'hang' | { readonly after: number; readonly reply: Reply };

/**
 * The one loopback HTTP server of the tests, standing in for AWS endpoints, webhooks and the like:
 * `answer` decides each reply from the request and its body. `aborted()` counts the requests whose
 * connection the client closed before an answer (a deadline that really aborts shows up there);
 * `lateSent()` the late answers a client was still waiting for. close() ends every connection and timer.
 */
export async function loopbackServer(answer: (req: IncomingMessage, body: string) => Answer) {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let aborted = 0;
  let lateSent = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests += 1;
      let answered = false;
      res.on('close', () => {
        if (!answered) aborted += 1;
      });
      const send = (r: Reply) => {
        if (res.destroyed) return;
        answered = true;
        res.writeHead(r.status, { 'content-type': 'text/xml', ...r.headers });
        res.end(r.body);
      };
      const a = answer(req, body);
      if (a === 'hang') return;
      if (a === 'drop') {
        answered = true;
        req.socket.destroy();
        return;
      }
      if ('after' in a) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (res.destroyed || req.socket.destroyed) return;
          lateSent += 1;
          send(a.reply);
        }, a.after);
        timers.add(t);
        return;
      }
      send(a);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    aborted: () => aborted,
    lateSent: () => lateSent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
