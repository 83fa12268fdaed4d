import { createRuntime, type Runtime } from '../runtime';
import { answerWarmup, coldStartTracker, type WarmupResponse } from '../warmer/is-warmup';
import { normaliseOperatorRun, type OperatorRunConfig } from './config';
import { denyCall, operatorCall, type OperatorDeps } from './endpoint';
import type { HttpEvent, HttpResponse } from './http';
import { TokenStore } from './token';
import type { Action } from './transitions';

/** An operator function's cold start: the core settings and `operator:` only, validated before any AWS call. */
export function operatorRuntime(env: NodeJS.ProcessEnv, overrides: Partial<Runtime<OperatorRunConfig>> = {}): Runtime<OperatorRunConfig> {
  return createRuntime(env, normaliseOperatorRun, overrides);
}

/** Cold-start wiring: validated config, clients, logger, and the token cache (TTL from the stage). */
export function operatorDeps(runtime: Runtime<OperatorRunConfig>): OperatorDeps {
  const { config, clients, log } = runtime;
  return { config, clients, log, tokens: new TokenStore(clients, config.region, config.operator.tokenCacheSeconds * 1000) };
}

/** Warm-up check first (no AWS call), then `call` with what was built once at cold start. */
function httpHandler<D>(inject: () => D, call: (deps: D, event: HttpEvent) => Promise<HttpResponse> | HttpResponse) {
  const wasCold = coldStartTracker();
  let deps: D | undefined;
  return async (event: HttpEvent): Promise<HttpResponse | WarmupResponse> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return warm;
    deps ??= inject();
    return call(deps, event);
  };
}

/**
 * The shared body of the operator Lambdas: warm-up check first (no AWS call), config validated once at
 * cold start, then one operator call. `inject` replaces the runtime in tests.
 */
export function operatorHandler(action: Action | 'from-path', inject: () => OperatorDeps = () => operatorDeps(operatorRuntime(process.env))) {
  return httpHandler(inject, (deps, event) => operatorCall(deps, event, action));
}

/** The catch-all route's Lambda: answers from its config alone (no target, no AWS permission, no client). */
export function denyHandler(inject: () => Pick<OperatorDeps, 'config' | 'log'> = () => operatorRuntime(process.env)) {
  return httpHandler(inject, denyCall);
}
