import * as z from 'zod';
import { coreShape, type CoreConfig } from '../config/core';
import { parseOrThrow } from '../config/issues';
import { emailSchema, parameterNameSchema, regionSchema, scheduleSchema } from '../config/schemas';
import { TARGET_NAME } from './http';

export { TARGET_NAME };

export const targetNameSchema = z.string().regex(TARGET_NAME, 'target names are lowercase letters, digits and -, starting with a letter, at most 30 characters');

export const instanceIdSchema = z.string().regex(/^i-([0-9a-f]{8}|[0-9a-f]{17})$/, 'not an EC2 instance id (i- followed by 8 or 17 hex digits)');

export { parameterNameSchema } from '../config/schemas';

export const targetSchema = z.strictObject({
  instanceId: instanceIdSchema,
  /** The instance's region. */
  region: regionSchema,
  /** SecureString parameter holding the token, in the stage's deploy region. Only its name is deployed. */
  tokenParameter: parameterNameSchema,
  /** The guard stops the instance once it has run this long since its last start. Default: never. */
  maxRunHours: z.number().positive().max(24 * 366).optional(),
  /** Who hears about a guard stop (SES, from a verified identity). */
  notify: z
    .strictObject({
      from: emailSchema,
      to: z.array(emailSchema).min(1, 'at least one recipient'),
      /** Default: the deploy region. */
      sesRegion: regionSchema.optional(),
    })
    .optional(),
});

/** `operator:` in a stage file. Closed; every field has a default, and no target means no endpoint. */
export const operatorSchema = z.strictObject({
  targets: z.record(targetNameSchema, targetSchema).default({}),
  /** Accept `?token=` as well as the Authorization header. Default false: see the README for what it costs. */
  allowQueryToken: z.boolean().default(false),
  /** HTTP API stage throttling for every route: steady requests per second and burst. */
  throttle: z
    .strictObject({
      rate: z.number().positive().max(10_000).default(1),
      burst: z.number().int().min(1).max(5_000).default(5),
    })
    .prefault({}),
  /** How long a function keeps the token it read from SSM: rotation needs no redeploy. Default 300. */
  tokenCacheSeconds: z.number().int().min(0).max(3600).default(300),
  guard: z
    .strictObject({
      /** When the guard looks for targets past their maxRunHours. */
      schedule: scheduleSchema.default('rate(15 minutes)'),
    })
    .prefault({}),
});

export type OperatorConfig = z.output<typeof operatorSchema>;
export type Target = z.output<typeof targetSchema>;
export type TargetNotify = NonNullable<Target['notify']>;

/** What an operator function (endpoints, guard) reads of the stage file: the core settings and `operator:`. */
export interface OperatorRunConfig extends CoreConfig {
  readonly operator: OperatorConfig;
}

const operatorRunSchema = z.strictObject({ ...coreShape, operator: operatorSchema.prefault({}) });

/** An operator function's cold start: its part of the stage file, closed, validated before any AWS call. */
export function normaliseOperatorRun(stage: string, input: unknown): OperatorRunConfig {
  return { ...parseOrThrow(`config for stage ${stage}`, operatorRunSchema, input ?? {}), stage };
}
