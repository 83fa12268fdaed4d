import type { OperatorRunConfig as Config } from './config';
import type { Log } from '../logger';
import { withAbortDeadline } from '../aws/abort-deadline';
import { errorMessage } from '../errors';
import { TARGET_NAME, type Target } from './config';
import { failureCode, OperatorTimeout, type ClientSource, type OperatorDeadlines } from './deadline';
import { badRequest, caller, requestedAction, requestedTarget, unauthorized, upstreamFailure, type HttpEvent, type HttpResponse } from './http';
import type { InFlight } from './inflight';
import { extractToken, tokenMatches, type TokenStore } from './token';
import type { Action } from './transitions';

export interface OperatorDeps {
  readonly config: Config;
  /** Clients whose HTTP attempts time out (timedClients). */
  readonly clients: ClientSource;
  readonly log: Log;
  readonly tokens: TokenStore;
  readonly deadlines: OperatorDeadlines;
  /** Starts and stops running in this container, by target and action. */
  readonly changes: InFlight<Outcome>;
  /**
   * What an authorised call on a target does: the EC2 read or change (shared/operator/perform.ts). The
   * catch-all function has no target and refuses (shared/operator/deny.ts), so its bundle holds no EC2 client.
   */
  readonly perform: Perform;
}

/** The step after the token matched a target's. */
export type Perform = (deps: OperatorDeps, name: string, target: Target, action: Action, signal: AbortSignal) => Promise<Outcome>;

/** What the log line says happened. Never the token. */
type Result = 'ok' | 'already' | 'conflict' | 'unknown-target' | 'no-token' | 'bad-token' | 'query-token-refused' | 'aws-error' | 'timeout';

export interface Outcome {
  readonly response: HttpResponse;
  readonly result: Result;
  readonly detail?: Record<string, unknown>;
}

function findTarget(config: Config, name: string): Target | undefined {
  return Object.hasOwn(config.operator.targets, name) ? config.operator.targets[name] : undefined;
}

/**
 * From the token on, a name that is a target and one that is not take the same steps: one token-store
 * lookup (a GetParameter on a miss), one constant-time comparison; only then does an unknown name get
 * its 401. A name that cannot be a target at all (not a well-formed name) is refused without a lookup.
 */
async function authorised(deps: OperatorDeps, name: string, target: Target | undefined, token: string, action: Action, signal: AbortSignal): Promise<Outcome> {
  const expected = target ? await deps.tokens.get(target.tokenParameter, signal) : await deps.tokens.forUnknown(name, signal);
  const matches = tokenMatches(token, expected);
  if (!target) return { result: 'unknown-target', response: unauthorized() };
  if (!matches) return { result: 'bad-token', response: unauthorized() };
  return deps.perform(deps, name, target, action, signal);
}

async function answer(deps: OperatorDeps, event: HttpEvent, name: string, action: Action): Promise<Outcome> {
  const extracted = extractToken(event.headers, event.queryStringParameters, deps.config.operator.allowQueryToken);
  if (!extracted.ok && extracted.reason === 'query-token-refused') {
    return { result: 'query-token-refused', response: badRequest('send the token in the Authorization header (Bearer), not in the URL') };
  }
  const target = findTarget(deps.config, name);
  if (!target && !TARGET_NAME.test(name)) return { result: 'unknown-target', response: unauthorized() };
  if (!extracted.ok) return { result: target ? 'no-token' : 'unknown-target', response: unauthorized() };
  const { callMs } = deps.deadlines;
  try {
    return await withAbortDeadline(callMs, () => new OperatorTimeout(callMs), (signal) => authorised(deps, name, target, extracted.token, action, signal));
  } catch (error) {
    return { result: error instanceof OperatorTimeout ? 'timeout' : 'aws-error', response: upstreamFailure(), detail: { error: { code: failureCode(error), message: errorMessage(error) } } };
  }
}

/**
 * One operator call end to end: token refused in the query unless allowed (400), unknown target and
 * missing/wrong token the same 401 after the same work, allowed transitions only (409 otherwise, 200 when
 * already there), a start or stop already running here joined rather than sent again, and any AWS failure
 * or a call past `deadlines.callMs` a generic 502. Logs exactly one structured line per call, never the
 * token. `action` 'from-path' serves the catch-all route for names that are not targets.
 */
export async function operatorCall(deps: OperatorDeps, event: HttpEvent, fixedAction: Action | 'from-path'): Promise<HttpResponse> {
  const action = fixedAction === 'from-path' ? requestedAction(event) : fixedAction;
  const name = requestedTarget(event);
  const outcome = await answer(deps, event, name, action);
  const line = { target: name.slice(0, 64), action, ...caller(event), result: outcome.result, status: outcome.response.statusCode, ...outcome.detail };
  if (outcome.response.statusCode >= 500) deps.log.error('operator', line);
  else if (outcome.response.statusCode >= 400) deps.log.warn('operator', line);
  else deps.log.info('operator', line);
  return outcome.response;
}
