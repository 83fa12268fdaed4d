import type { InstanceState } from './transitions';

/** A target's name: it becomes part of a URL path and of Lambda/CloudFormation names. */
export const TARGET_NAME = /^[a-z][a-z0-9-]{0,29}$/;

/** The parts of an API Gateway HTTP API (payload 2.0) event the operator endpoints read. */
export interface HttpEvent {
  readonly rawPath?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly requestContext?: { readonly http?: { readonly method?: string; readonly path?: string; readonly sourceIp?: string; readonly userAgent?: string } };
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Every operator answer: never cached, never sniffed. */
export const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** The one answer for an unknown target, a missing token and a wrong token alike: nothing to enumerate. */
export function unauthorized(): HttpResponse {
  return json(401, { message: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
}

/** Any AWS failure: the detail goes to the log only. */
export function upstreamFailure(): HttpResponse {
  return json(502, { message: 'the instance could not be reached; try again later' });
}

export function badRequest(message: string): HttpResponse {
  return json(400, { message });
}

/** A start/stop answer, e.g. `{"target":"staging","previous":"stopped","current":"pending"}`. */
export interface TransitionBody {
  readonly target: string;
  readonly previous?: InstanceState;
  readonly current: InstanceState;
  readonly message?: string;
  /** After a change: the request that reverses it (`POST /instances/<target>/stop`). */
  readonly undo?: string;
}

/** Who called, for the log line: source IP and user agent as API Gateway saw them. */
export function caller(event: HttpEvent): { sourceIp: string; userAgent: string } {
  const http = event.requestContext?.http;
  const ua = http?.userAgent ?? Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? '';
  // Caller-controlled text: bounded so a log line stays a line.
  return { sourceIp: http?.sourceIp ?? 'unknown', userAgent: ua.slice(0, 256) };
}

/** `/instances/<target>[/start|/stop|/console]` -> target, from the path parameter or the raw path. */
export function requestedTarget(event: HttpEvent): string {
  const fromParam = event.pathParameters?.target;
  if (fromParam !== undefined) return fromParam;
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '';
  const m = /^\/instances\/([^/]+)/.exec(path);
  return m?.[1] ? decodeSegment(m[1]) : '';
}

/** A malformed escape names no target (and so answers like any unknown one). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    if (error instanceof URIError) return '';
    throw error;
  }
}

/** The action a path names (for the catch-all route that answers unknown targets). */
export function requestedAction(event: HttpEvent): 'start' | 'stop' | 'state' {
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '';
  if (path.endsWith('/start')) return 'start';
  if (path.endsWith('/stop')) return 'stop';
  return 'state';
}
