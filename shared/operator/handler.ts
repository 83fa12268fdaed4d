import { createRuntime, type Runtime } from '../runtime';
import { answerWarmup, coldStartTracker, type WarmupResponse } from '../warmer/is-warmup';
import { operatorCall, type OperatorDeps } from './endpoint';
import type { HttpEvent, HttpResponse } from './http';
import { TokenStore } from './token';
import type { Action } from './transitions';

/** Cold-start wiring: validated config, clients, logger, and the token cache (TTL from the stage). */
export function operatorDeps(runtime: Runtime): OperatorDeps {
  const { config, clients, log } = runtime;
  return { config, clients, log, tokens: new TokenStore(clients, config.region, config.operator.tokenCacheSeconds * 1000) };
}

/**
 * The shared body of the operator Lambdas: warm-up check first (no AWS call), config validated once at
 * cold start, then one operator call. `inject` replaces the runtime in tests.
 */
export function operatorHandler(action: Action | 'from-path', inject: () => OperatorDeps = () => operatorDeps(createRuntime(process.env))) {
  const wasCold = coldStartTracker();
  let deps: OperatorDeps | undefined;
  return async (event: HttpEvent): Promise<HttpResponse | WarmupResponse> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return warm;
    deps ??= inject();
    return operatorCall(deps, event, action);
  };
}
