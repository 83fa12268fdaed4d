import { Clients } from './aws/clients';
import { recordedAt } from './aws/recording';
import type { CoreConfig } from './config/core';
import { runtimeEnv, stageFromEnv } from './config/env';
import { createLogger, type Log } from './logger';

/** What a cold start builds once: validated config, SDK clients, logger. */
export interface Runtime<C extends CoreConfig = CoreConfig> {
  readonly config: C;
  readonly clients: Clients;
  readonly log: Log;
  /** Set when replaying a recording: its time is the run's "now". */
  readonly now?: Date;
}

/** How a function kind validates its own part of the stage file (its sections only, closed). */
export type ReadConfig<C> = (stage: string, raw: unknown) => C;

/**
 * Validates the environment and this function's config with `read` (throws ConfigError naming the field)
 * before any client exists; then builds the clients. Knows no section itself, so each function kind's
 * bundle carries only its own schema.
 */
export function createRuntime<C extends CoreConfig>(env: NodeJS.ProcessEnv, read: ReadConfig<C>, overrides: Partial<Runtime<C>> = {}): Runtime<C> {
  const config = overrides.config ?? readConfig(env, read);
  const replayDir = runtimeEnv(env).OPSBOTS_REPLAY;
  const clients = overrides.clients ?? new Clients({ maxAttempts: config.maxAttempts, defaultRegion: env.AWS_REGION ?? config.region, replayDir, requestTimeoutMs: config.deadlines.requestSeconds * 1000 });
  const now = overrides.now ?? (replayDir ? recordedAt(replayDir) : undefined);
  return { config, clients, log: overrides.log ?? createLogger(), ...(now ? { now } : {}) };
}

function readConfig<C>(env: NodeJS.ProcessEnv, read: ReadConfig<C>): C {
  const { stage, raw } = stageFromEnv(env);
  return read(stage, raw);
}
