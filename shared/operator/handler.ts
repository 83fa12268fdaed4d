import type { Runtime } from '../runtime';
import type { OperatorRunConfig } from './config';
import type { OperatorDeadlines } from './deadline';
import { httpHandler, operatorDepsWith, operatorRuntime } from './deps';
import type { OperatorDeps } from './endpoint';
import { performOnTarget } from './perform';
import type { Action } from './transitions';

export { operatorRuntime } from './deps';

/** A target function's wiring (shared/operator/deps.ts), whose authorised calls reach EC2. */
export function operatorDeps(runtime: Runtime<OperatorRunConfig>, deadlines?: OperatorDeadlines): OperatorDeps {
  return operatorDepsWith(runtime, performOnTarget, deadlines);
}

/**
 * A target function (start, stop, state): warm-up check, config validated once at cold start, then one
 * operator call. `inject` replaces the runtime in tests.
 */
export function operatorHandler(action: Action | 'from-path', inject: () => OperatorDeps = () => operatorDeps(operatorRuntime(process.env))) {
  return httpHandler(action, inject);
}
