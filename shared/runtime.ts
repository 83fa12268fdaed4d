import { Clients } from './aws/clients';
import { configFromEnv, envSchema, parseOrThrow, type Config } from './config/index';
import { recordedAt } from './aws/recording';
import { createLogger, type Log } from './logger';
import { S3StateStore, type StateStore } from './state/store';

/** What a cold start builds once: validated config, SDK clients, logger. */
export interface Runtime {
  readonly config: Config;
  readonly clients: Clients;
  readonly log: Log;
  /** Set when replaying a recording: its time is the run's "now". */
  readonly now?: Date;
  /** The previous runs' findings (`sendWhen: changes`), when the deploy gave this function a state bucket. */
  readonly state?: StateStore;
}

/** Validates the environment and stage config (throws ConfigError naming the field) before any client exists. */
export function createRuntime(env: NodeJS.ProcessEnv, overrides: Partial<Runtime> = {}): Runtime {
  const config = overrides.config ?? configFromEnv(env);
  const e = parseOrThrow('environment', envSchema.pick({ OPSBOTS_REPLAY: true, OPSBOTS_STATE_BUCKET: true, OPSBOTS_STATE_PREFIX: true }), env);
  const replayDir = e.OPSBOTS_REPLAY;
  const clients = overrides.clients ?? new Clients({ maxAttempts: config.maxAttempts, defaultRegion: env.AWS_REGION ?? config.region, replayDir, requestTimeoutMs: config.deadlines.requestSeconds * 1000 });
  const now = replayDir ? recordedAt(replayDir) : undefined;
  const state = overrides.state ?? (e.OPSBOTS_STATE_BUCKET && e.OPSBOTS_STATE_PREFIX ? new S3StateStore(clients, e.OPSBOTS_STATE_BUCKET, e.OPSBOTS_STATE_PREFIX, config.region) : undefined);
  return { config, clients, log: overrides.log ?? createLogger(), ...(now ? { now } : {}), ...(state ? { state } : {}) };
}
