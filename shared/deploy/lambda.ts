import type { LambdaConfig } from '../config/lambda';
import { ConfigError } from '../errors';

/** What an audit or digest function gets when neither the stage nor the function sets it. */
export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_S = 300;

/** API Gateway HTTP APIs stop waiting after 30 s: an endpoint function never needs longer. */
export const HTTP_MAX_TIMEOUT_S = 30;

const isHttp = (fn: Record<string, unknown>) => Array.isArray(fn.events) && fn.events.some((e) => typeof e === 'object' && e !== null && 'httpApi' in e);

/**
 * Gives every function an explicit memorySize and timeout: its key's entry under `lambda.functions`, else
 * its kind's own (operator endpoints 256 MB / 15 s, the warmer's...), else the stage's `lambda` values,
 * else 512 MB / 300 s. A key that is no function of the stage, or an endpoint over 30 s, fails the deploy
 * naming the field.
 */
export function applySizing(stage: string, lambda: LambdaConfig, functions: Record<string, unknown>): void {
  for (const key of Object.keys(lambda.functions)) {
    if (!(key in functions)) {
      throw new ConfigError(`invalid config for stage ${stage}: lambda.functions.${key}: no function "${key}" in this stage (deployed: ${Object.keys(functions).join(', ') || 'none'})`, [{ field: `lambda.functions.${key}`, message: 'unknown function' }]);
    }
  }
  for (const [key, value] of Object.entries(functions)) {
    const fn = value as Record<string, unknown>;
    const own = lambda.functions[key];
    fn.memorySize = own?.memorySize ?? fn.memorySize ?? lambda.memorySize ?? DEFAULT_MEMORY_MB;
    fn.timeout = own?.timeout ?? fn.timeout ?? lambda.timeout ?? DEFAULT_TIMEOUT_S;
    if (isHttp(fn) && (fn.timeout as number) > HTTP_MAX_TIMEOUT_S) {
      const field = `lambda.functions.${key}.timeout`;
      throw new ConfigError(`invalid config for stage ${stage}: ${field}: ${String(fn.timeout)} s is more than API Gateway waits for an endpoint (${HTTP_MAX_TIMEOUT_S} s)`, [{ field, message: 'over 30 s' }]);
    }
  }
}
