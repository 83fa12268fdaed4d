import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { parseOrThrow } from '../config/issues';
import { OpsbotsError } from '../errors';
import { createRuntime, type Runtime } from '../runtime';
import { normaliseWarmerRun, warmerEventSchema, type WarmerRunConfig } from './config';
import { warm, type Invoker, type TickResult } from './fan-out';
import { answerWarmup, coldStartTracker, type WarmupResponse } from './is-warmup';
import { planTargets } from './plan';

/** A tick in which some invocations failed or timed out: thrown after the tick was logged, so the Errors alarm fires. */
export class WarmerError extends OpsbotsError {
  constructor(readonly result: TickResult) {
    const failed = result.results.filter((r) => r.failures.length > 0).map((r) => `${r.target} (${r.failures.length}/${r.invocations}: ${[...new Set(r.failures.map((f) => f.code))].join(', ')})`);
    super(`warmer: ${result.failures} of ${result.invocations} warm-up invocations failed: ${failed.join('; ')}`);
  }
}

/**
 * A Lambda client whose socket pool fits the warmer's bound: the SDK's default pool (50 sockets) would
 * queue a target's parallel calls, and queued calls do not hold separate containers.
 */
export function lambdaClientFor(maxSockets: number): new (config: LambdaClientConfig & { region: string; retryMode: string; maxAttempts: number }) => LambdaClient {
  return class WarmerLambdaClient extends LambdaClient {
    constructor(config: LambdaClientConfig & { region: string }) {
      super({ ...config, requestHandler: { httpsAgent: { maxSockets } } });
    }
  };
}

/** The warmer's cold start: the core settings and `warmer:` only, validated before any AWS call. */
export function warmerRuntime(env: NodeJS.ProcessEnv, overrides: Partial<Runtime<WarmerRunConfig>> = {}): Runtime<WarmerRunConfig> {
  return createRuntime(env, normaliseWarmerRun, overrides);
}

/**
 * The warmer Lambda: answers a warm-up itself, validates env and stage config at cold start and the event
 * before any AWS call, runs one tick, logs one structured line, and fails the invocation when any warm-up
 * call failed (after logging it) so nothing is swallowed. `{"dryRun": true}` returns the plan, invoking nothing.
 */
export function warmerHandler(inject: () => Runtime<WarmerRunConfig> = () => warmerRuntime(process.env)) {
  const wasCold = coldStartTracker();
  let runtime: Runtime<WarmerRunConfig> | undefined;
  let Client: ReturnType<typeof lambdaClientFor> | undefined;
  return async (event: unknown): Promise<TickResult | WarmupResponse> => {
    const answer = await answerWarmup(event, wasCold());
    if (answer) return answer;
    runtime ??= inject();
    const { config, clients, log } = runtime;
    const request = parseOrThrow('event', warmerEventSchema, event ?? {});
    const w = config.warmer;
    Client ??= lambdaClientFor(w.concurrency);
    const lambda = Client;
    const result = await warm({
      targets: planTargets(w, config.stage, config.region),
      invoker: (region): Invoker => clients.get(lambda, 'lambda', region),
      now: runtime.now ?? new Date(),
      holdMs: w.holdMs,
      timeoutMs: w.timeoutMs,
      concurrency: w.concurrency,
      dryRun: request.dryRun,
    });
    const failed = result.results.filter((r) => r.failures.length > 0).map((r) => ({ target: r.target, failures: r.failures.length, codes: [...new Set(r.failures.map((f) => f.code))] }));
    const line = { targets: result.targets, skipped: result.skipped, invocations: result.invocations, cold: result.cold, warm: result.warm, unknown: result.unknown, failures: result.failures, failed, durationMs: result.durationMs, dryRun: result.dryRun };
    if (result.failures > 0) {
      log.error('warmer tick', line);
      throw new WarmerError(result);
    }
    log.info('warmer tick', line);
    return result;
  };
}
