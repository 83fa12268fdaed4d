import type { Runtime } from '../runtime';
import type { OperatorRunConfig } from './config';
import type { OperatorDeadlines } from './deadline';
import { httpHandler, operatorDepsWith, operatorRuntime } from './deps';
import type { OperatorDeps, Perform } from './endpoint';
import { unauthorized } from './http';

/**
 * What the catch-all does if a name ever matched a target in its config (the deploy gives it none): the
 * 401 of an unknown name. It never calls EC2, so its bundle holds no EC2 client; the token-store read
 * before it is the same as a target's (shared/operator/token.ts), so timing still tells no name apart.
 */
export const refuseTarget: Perform = async () => ({ result: 'unknown-target', response: unauthorized() });

/** The catch-all function's wiring: a target function's, with refuseTarget as what an authorised call does. */
export function denyDeps(runtime: Runtime<OperatorRunConfig>, deadlines?: OperatorDeadlines): OperatorDeps {
  return operatorDepsWith(runtime, refuseTarget, deadlines);
}

/** The catch-all `/instances/{target}[/start|/stop]` route: the action from the path, the same 401 for every name. */
export function denyHandler(inject: () => OperatorDeps = () => denyDeps(operatorRuntime(process.env))) {
  return httpHandler('from-path', inject);
}
