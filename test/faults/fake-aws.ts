import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One AWS call as the loopback endpoint saw it: service and region from the SigV4 scope, the operation. */
export interface Call {
  readonly service: string;
  readonly region: string;
  readonly action: string;
  /** The call's body (query protocol: the form; JSON protocol: the JSON). */
  readonly body: string;
  /** 1 for the first call of this service, region and action, 2 for the next... */
  readonly n: number;
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** `drop`: close the connection unanswered; `hang`: never answer; `{ after, reply }`: answer late. */
export type Answer = Reply | 'drop' | 'hang' | { readonly after: number; readonly reply: Reply };

/**
 * A loopback HTTP server standing in for every AWS service at once (AWS_ENDPOINT_URL): the service and
 * region come from the request's SigV4 credential scope, the operation from the query `Action`, the JSON
 * `X-Amz-Target`, or the REST path. `answer` decides each reply. `aborted()` counts the requests whose
 * connection the client closed before an answer: a deadline that really aborts shows up there; `lateSent()`
 * the late answers a client was still waiting for.
 */
export async function fakeAws(answer: (call: Call) => Answer) {
  const counts = new Map<string, number>();
  const calls: Call[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let aborted = 0;
  let lateSent = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '');
      const region = scope?.[1] ?? '?';
      const service = scope?.[2] ?? '?';
      const target = req.headers['x-amz-target'];
      const action = new URLSearchParams(body).get('Action') ?? (typeof target === 'string' ? (target.split('.')[1] ?? '?') : restAction(req.method, req.url));
      const key = `${service}/${region}/${action}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const call = { service, region, action, body, n };
      calls.push(call);
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
      const a = answer(call);
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
    calls: () => [...calls],
    aborted: () => aborted,
    /** Late answers (`{ after }`) sent because the connection was still open when they were due. */
    lateSent: () => lateSent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function restAction(method: string | undefined, url: string | undefined): string {
  if (method === 'POST' && url?.startsWith('/v2/email/outbound-emails')) return 'SendEmail';
  return `${method ?? '?'} ${url ?? ''}`;
}

/**
 * Points the SDK at `url` for the duration of `fn` (AWS_ENDPOINT_URL: every service), restoring the
 * environment after.
 */
export async function withEndpoint<T>(url: string, fn: () => Promise<T>, variable = 'AWS_ENDPOINT_URL'): Promise<T> {
  const saved = process.env[variable];
  process.env[variable] = url;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[variable];
    else process.env[variable] = saved;
  }
}
