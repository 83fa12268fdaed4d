import * as z from 'zod';
import { ConfigError } from '../errors';
import { parseOrThrow } from './issues';
import { regionSchema } from './schemas';

/** The environment a handler reads once at cold start. Other variables are ignored. */
export const envSchema = z.object({
  OPSBOTS_STAGE: z.string().min(1, 'required'),
  /** This function's part of the stage config as JSON, written by the deploy (shared/deploy/). */
  OPSBOTS_CONFIG: z.string().min(1, 'required'),
  AWS_REGION: regionSchema.optional(),
  /** Answer AWS calls from a recording folder (for `serverless invoke local` on the sample account). */
  OPSBOTS_REPLAY: z.string().min(1).optional(),
  /** The stage's state bucket and this function's key prefix in it (`sendWhen: changes`), written by the deploy. */
  OPSBOTS_STATE_BUCKET: z.string().min(3).optional(),
  OPSBOTS_STATE_PREFIX: z.string().regex(/^[A-Za-z0-9-]+$/, 'a function key').optional(),
});

export type Env = z.output<typeof envSchema>;

/** The stage name and the raw (not yet validated) config a function carries. */
export function stageFromEnv(env: NodeJS.ProcessEnv): { stage: string; raw: unknown } {
  const e = parseOrThrow('environment', envSchema.pick({ OPSBOTS_STAGE: true, OPSBOTS_CONFIG: true }), env);
  try {
    return { stage: e.OPSBOTS_STAGE, raw: JSON.parse(e.OPSBOTS_CONFIG) };
  } catch (error) {
    throw new ConfigError('invalid environment: OPSBOTS_CONFIG: not JSON', [{ field: 'OPSBOTS_CONFIG', message: 'not JSON' }], { cause: error });
  }
}

/** The optional variables (replay folder, state bucket), validated. */
export function runtimeEnv(env: NodeJS.ProcessEnv): Pick<Env, 'OPSBOTS_REPLAY' | 'OPSBOTS_STATE_BUCKET' | 'OPSBOTS_STATE_PREFIX'> {
  return parseOrThrow('environment', envSchema.pick({ OPSBOTS_REPLAY: true, OPSBOTS_STATE_BUCKET: true, OPSBOTS_STATE_PREFIX: true }), env);
}
