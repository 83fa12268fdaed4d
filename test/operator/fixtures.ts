import { stringify } from 'yaml';
import { buildConfig } from '../builders';
import type { StageInput } from '../../shared/config/index';
import type { HttpEvent } from '../../shared/operator/http';

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
