import { createRuntime, type Runtime } from '../runtime';
import { normaliseOperatorRun, type OperatorRunConfig } from './config';
import { answerWarmup, coldStartTracker, type WarmupResponse } from '../warmer/is-warmup';
import { OPERATOR_DEADLINES, timedClients, type OperatorDeadlines } from './deadline';
import { operatorCall, type OperatorDeps, type Outcome, type Perform } from './endpoint';
import { InFlight } from './inflight';
import type { HttpEvent, HttpResponse } from './http';
import { TokenStore } from './token';
import type { Action } from './transitions';

/** An operator function's cold start: the core settings and `operator:` only, validated before any AWS call. */
export function operatorRuntime(env: NodeJS.ProcessEnv, overrides: Partial<Runtime<OperatorRunConfig>> = {}): Runtime<OperatorRunConfig> {
  return createRuntime(env, normaliseOperatorRun, overrides);
}

/**
 * Cold-start wiring: validated config, clients whose HTTP attempts time out, logger, the token cache (TTL
 * from the stage), the starts/stops in flight and what an authorised call does (`perform`). `deadlines`
 * default to OPERATOR_DEADLINES (tests inject small ones).
 */
export function operatorDepsWith(runtime: Runtime<OperatorRunConfig>, perform: Perform, deadlines: OperatorDeadlines = OPERATOR_DEADLINES): OperatorDeps {
  const { config, log } = runtime;
  const clients = timedClients(runtime.clients, deadlines);
  const tokens = new TokenStore({ clients, region: config.region, ttlMs: config.operator.tokenCacheSeconds * 1000 });
  return { config, clients, log, tokens, deadlines, changes: new InFlight<Outcome>(), perform };
}

/**
 * The shared body of the operator Lambdas: warm-up check first (no AWS call), config validated once at
 * cold start (`inject`), then one operator call.
 */
export function httpHandler(action: Action | 'from-path', inject: () => OperatorDeps) {
  const wasCold = coldStartTracker();
  let deps: OperatorDeps | undefined;
  return async (event: HttpEvent): Promise<HttpResponse | WarmupResponse> => {
    const warm = await answerWarmup(event, wasCold());
    if (warm) return warm;
    deps ??= inject();
    return operatorCall(deps, event, action);
  };
}
