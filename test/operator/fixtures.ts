import { stringify } from 'yaml';
import { buildConfig } from '../builders';
import type { StageInput } from '../../shared/config/index';
import type { HttpEvent, HttpResponse } from '../../shared/operator/http';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import type { OperatorDeadlines } from '../../shared/operator/deadline';
import { operatorDeps, operatorHandler, operatorRuntime } from '../../shared/operator/handler';
import { denyDeps, denyHandler } from '../../shared/operator/deny';
import type { Action } from '../../shared/operator/transitions';

export const TOKEN = 'tok-4f9c2a7e1b8d4c6f9a0e3b5d7c1f2a8e';
export const STAGING = { instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', tokenParameter: '/opsbots/staging/token' } as const;

export function operatorConfig(operator: NonNullable<StageInput['operator']> = { targets: { staging: STAGING } }) {
  return buildConfig({ region: 'eu-west-1', operator });
}

/** An API Gateway HTTP API (payload 2.0) request as the operator functions receive it. */
export function httpEvent(opts: { method?: string; path: string; headers?: Record<string, string>; query?: Record<string, string> }): HttpEvent {
  return {
    rawPath: opts.path,
    headers: { 'user-agent': 'curl/8.5.0', ...opts.headers },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    requestContext: { http: { method: opts.method ?? 'GET', path: opts.path, sourceIp: '203.0.113.7', userAgent: opts.headers?.['user-agent'] ?? 'curl/8.5.0' } },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A stage file (YAML) deploying only operator targets, in eu-west-1, alarms off. */
export function operatorStageYaml(operator: NonNullable<StageInput['operator']>): string {
  return stringify({ region: 'eu-west-1', alerts: { enabled: false }, operator });
}

/**
 * An operator function as deployed (config validated at cold start, timed clients, token cache), on
 * clients with one attempt per call; `deadlines` replace the defaults. `from-path` is the catch-all function.
 */
export function operatorSetup(action: Action | 'from-path', config = operatorConfig(), deadlines?: OperatorDeadlines, clients = new Clients({ maxAttempts: 1 })) {
  const log = new MemoryLog();
  const runtime = () => operatorRuntime({}, { config, clients, log });
  const handler = action === 'from-path' ? denyHandler(() => denyDeps(runtime(), deadlines)) : operatorHandler(action, () => operatorDeps(runtime(), deadlines));
  const call = async (event: HttpEvent) => (await handler(event)) as HttpResponse;
  return { handler, call, log };
}

export const post = (path: string, headers: Record<string, string> = bearer(TOKEN), query?: Record<string, string>) => httpEvent({ method: 'POST', path, headers, ...(query ? { query } : {}) });
