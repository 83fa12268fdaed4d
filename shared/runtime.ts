import { Clients } from './aws/clients';
import { configFromEnv, envSchema, parseOrThrow, type Config } from './config/index';
import { recordedAt } from './aws/recording';
import { createLogger, type Log } from './logger';

/** What a cold start builds once: validated config, SDK clients, logger. */
export interface Runtime {
  readonly config: Config;
  readonly clients: Clients;
  readonly log: Log;
  /** Set when replaying a recording: its time is the run's "now". */
  readonly now?: Date;
}

/** Validates the environment and stage config (throws ConfigError naming the field) before any client exists. */
export function createRuntime(env: NodeJS.ProcessEnv, overrides: Partial<Runtime> = {}): Runtime {
  const config = overrides.config ?? configFromEnv(env);
  const replayDir = parseOrThrow('environment', envSchema.pick({ OPSBOTS_REPLAY: true }), env).OPSBOTS_REPLAY;
  const clients = overrides.clients ?? new Clients({ maxAttempts: config.maxAttempts, defaultRegion: env.AWS_REGION ?? config.region, replayDir });
  const now = replayDir ? recordedAt(replayDir) : undefined;
  return { config, clients, log: overrides.log ?? createLogger(), ...(now ? { now } : {}) };
}
