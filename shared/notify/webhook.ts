import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Clients } from '../aws/clients';
import { errorCode } from '../errors';
import type { Log } from '../logger';
import type { Report } from '../report';
import type { Changes } from '../state/diff';
import { slackMessage, teamsMessage } from '../../reports/chat';
import type { Webhook, WebhookKind } from './webhooks-config';

/** How long one webhook may take (parameter read and POST together) before it counts as not delivered. */
export const WEBHOOK_DEADLINE_MS = 10_000;

/** One channel's outcome. Names the parameter, never the URL it holds. */
export type WebhookDelivery =
  | { readonly kind: WebhookKind; readonly urlParameter: string; readonly sent: true; readonly status: number }
  | { readonly kind: WebhookKind; readonly urlParameter: string; readonly sent: false; readonly failed: boolean; readonly reason: string };

export interface WebhookOptions {
  readonly webhooks: readonly Webhook[];
  readonly report: Report;
  readonly clients: Clients;
  /** Region of the SSM parameters (the deploy region). */
  readonly region: string;
  /** Why nothing is sent (dry run, sendWhen), or null to send. */
  readonly skip: string | null;
  readonly changes?: Changes;
  readonly log?: Log;
  /** Default WEBHOOK_DEADLINE_MS. */
  readonly deadlineMs?: number;
  /** Default the global fetch. */
  readonly fetch?: typeof fetch;
}

const RENDER: Record<WebhookKind, typeof slackMessage> = { slack: slackMessage, teams: teamsMessage };

/** Reads the URL (WithDecryption) and posts the payload; a failure says what failed without the URL or a response body. */
async function post(opts: WebhookOptions, hook: Webhook, body: string, signal: AbortSignal): Promise<number> {
  let url: string;
  try {
    const res = await opts.clients.get(SSMClient, 'ssm', opts.region).send(new GetParameterCommand({ Name: hook.urlParameter, WithDecryption: true }), { abortSignal: signal });
    url = res.Parameter?.Value ?? '';
  } catch (error) {
    throw new Error(`parameter not read: ${errorCode(error)}`);
  }
  if (!/^https?:\/\/\S+$/.test(url)) throw new Error('parameter does not hold an http(s) URL');
  let status: number;
  try {
    const res = await (opts.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
    status = res.status;
    await res.arrayBuffer(); // drain; the body is not kept (it may echo the request)
  } catch (error) {
    // fetch's messages and causes can hold the URL: only the code or the error's name is said.
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`POST failed: ${signal.aborted ? 'deadline exceeded' : (cause ?? (error instanceof Error ? error.name : 'Error'))}`);
  }
  if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
  return status;
}

/**
 * Sends the report's chat summary to each webhook, at once, each within its deadline. `skip` (a dry run,
 * or the stage's sendWhen) sends nothing and reads no parameter. Never throws: each failure is a
 * `failed` delivery naming the parameter and why.
 */
export async function sendWebhooks(opts: WebhookOptions): Promise<WebhookDelivery[]> {
  const { skip } = opts;
  if (skip !== null) return opts.webhooks.map((h) => ({ kind: h.kind, urlParameter: h.urlParameter, sent: false, failed: false, reason: skip }));
  return Promise.all(
    opts.webhooks.map(async (hook): Promise<WebhookDelivery> => {
      const body = JSON.stringify(RENDER[hook.kind](opts.report, { changes: opts.changes }));
      const signal = AbortSignal.timeout(opts.deadlineMs ?? WEBHOOK_DEADLINE_MS);
      try {
        const status = await post(opts, hook, body, signal);
        opts.log?.info('webhook sent', { kind: hook.kind, urlParameter: hook.urlParameter, status, bytes: Buffer.byteLength(body) });
        return { kind: hook.kind, urlParameter: hook.urlParameter, sent: true, status };
      } catch (error) {
        const reason = signal.aborted ? 'deadline exceeded' : error instanceof Error ? error.message : 'Error';
        opts.log?.error('webhook not sent', { kind: hook.kind, urlParameter: hook.urlParameter, reason });
        return { kind: hook.kind, urlParameter: hook.urlParameter, sent: false, failed: true, reason };
      }
    }),
  );
}
