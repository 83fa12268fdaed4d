import { loopbackServer, type Answer } from '../aws/loopback';

export type { Answer, Reply } from '../aws/loopback';

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

/**
 * A loopback server standing in for every AWS service at once (AWS_ENDPOINT_URL): the service and region
 * come from the request's SigV4 credential scope, the operation from the query `Action`, the JSON
 * `X-Amz-Target`, or the REST path. `answer` decides each reply; `calls()` lists them in order, and
 * `aborted()` / `lateSent()` are the loopback server's (test/aws/loopback.ts).
 */
export async function fakeAws(answer: (call: Call) => Answer) {
  const counts = new Map<string, number>();
  const calls: Call[] = [];
  const server = await loopbackServer((req, body) => {
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
    return answer(call);
  });
  return { ...server, calls: () => [...calls] };
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
