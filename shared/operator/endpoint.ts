import type { OperatorRunConfig as Config } from './config';
import type { Clients } from '../aws/clients';
import type { Log } from '../logger';
import { errorCode, errorMessage } from '../errors';
import type { Target } from './config';
import { changeInstance, describeInstance } from './ec2';
import { badRequest, caller, json, requestedAction, requestedTarget, unauthorized, upstreamFailure, type HttpEvent, type HttpResponse, type TransitionBody } from './http';
import { extractToken, tokenMatches, type TokenStore } from './token';
import { decide, type Action } from './transitions';

export interface OperatorDeps {
  readonly config: Config;
  readonly clients: Clients;
  readonly log: Log;
  readonly tokens: TokenStore;
}

/** What the log line says happened. Never the token. */
type Result = 'ok' | 'already' | 'conflict' | 'unknown-target' | 'no-token' | 'bad-token' | 'query-token-refused' | 'aws-error';

interface Outcome {
  readonly response: HttpResponse;
  readonly result: Result;
  readonly detail?: Record<string, unknown>;
}

function findTarget(config: Config, name: string): Target | undefined {
  return Object.hasOwn(config.operator.targets, name) ? config.operator.targets[name] : undefined;
}

async function perform(deps: OperatorDeps, name: string, target: Target, action: Action): Promise<Outcome> {
  const status = await describeInstance(deps.clients, target.region, target.instanceId);
  if (action === 'state') {
    return { result: 'ok', response: json(200, { target: name, current: status.state, ...(status.launchTime && status.state === 'running' ? { since: status.launchTime.toISOString() } : {}) }), detail: { current: status.state } };
  }
  const decision = decide(action, status.state);
  if (decision.kind === 'already') {
    const body: TransitionBody = { target: name, previous: status.state, current: status.state, message: decision.message };
    return { result: 'already', response: json(200, body), detail: { current: status.state } };
  }
  if (decision.kind === 'conflict') {
    return { result: 'conflict', response: json(409, { target: name, current: status.state, message: decision.message } satisfies TransitionBody), detail: { current: status.state } };
  }
  const change = await changeInstance(deps.clients, target.region, target.instanceId, action);
  return { result: 'ok', response: json(200, { target: name, ...change } satisfies TransitionBody), detail: change };
}

/** The answers given before any AWS call: a token in the URL where not allowed (400), a name that is no target (401). */
function refusal(config: Config, event: HttpEvent, name: string): Outcome | undefined {
  const extracted = extractToken(event.headers, event.queryStringParameters, config.operator.allowQueryToken);
  if (!extracted.ok && extracted.reason === 'query-token-refused') {
    return { result: 'query-token-refused', response: badRequest('send the token in the Authorization header (Bearer), not in the URL') };
  }
  if (!findTarget(config, name)) return { result: 'unknown-target', response: unauthorized() };
  return undefined;
}

async function answer(deps: OperatorDeps, event: HttpEvent, name: string, action: Action): Promise<Outcome> {
  const refused = refusal(deps.config, event, name);
  if (refused) return refused;
  const extracted = extractToken(event.headers, event.queryStringParameters, deps.config.operator.allowQueryToken);
  const target = findTarget(deps.config, name);
  if (!target) return { result: 'unknown-target', response: unauthorized() };
  if (!extracted.ok) return { result: 'no-token', response: unauthorized() };
  try {
    const expected = await deps.tokens.get(target.tokenParameter);
    if (!tokenMatches(extracted.token, expected)) return { result: 'bad-token', response: unauthorized() };
    return await perform(deps, name, target, action);
  } catch (error) {
    return { result: 'aws-error', response: upstreamFailure(), detail: { error: { code: errorCode(error), message: errorMessage(error) } } };
  }
}

/**
 * One operator call end to end: token refused in the query unless allowed (400), unknown target and
 * missing/wrong token the same 401, allowed transitions only (409 otherwise, 200 when already there),
 * any AWS failure a generic 502. Logs exactly one structured line per call, never the token.
 * `action` 'from-path' serves the catch-all route for names that are not targets.
 */
export async function operatorCall(deps: OperatorDeps, event: HttpEvent, fixedAction: Action | 'from-path'): Promise<HttpResponse> {
  const action = fixedAction === 'from-path' ? requestedAction(event) : fixedAction;
  const name = requestedTarget(event);
  return logged(deps.log, event, name, action, await answer(deps, event, name, action));
}

/**
 * The catch-all route for names that are not targets: the same 400/401 as operatorCall, from the config
 * alone. It references no AWS client, so the deny function's bundle (and role) has none.
 */
export function denyCall(deps: Pick<OperatorDeps, 'config' | 'log'>, event: HttpEvent): HttpResponse {
  const name = requestedTarget(event);
  // A target's name reaching this route (a method it has no route for) is still refused, without AWS.
  const outcome = refusal(deps.config, event, name) ?? { result: 'unknown-target' as const, response: unauthorized() };
  return logged(deps.log, event, name, requestedAction(event), outcome);
}

function logged(log: Log, event: HttpEvent, name: string, action: Action, outcome: Outcome): HttpResponse {
  const line = { target: name.slice(0, 64), action, ...caller(event), result: outcome.result, status: outcome.response.statusCode, ...outcome.detail };
  if (outcome.result === 'aws-error') log.error('operator', line);
  else if (outcome.response.statusCode >= 400) log.warn('operator', line);
  else log.info('operator', line);
  return outcome.response;
}
