import * as z from 'zod';
import { coreShape, type CoreConfig } from '../config/core';
import { parseOrThrow } from '../config/issues';
import { scheduleSchema } from '../config/schemas';
import { parseActiveHours } from './active-hours';
import { MAX_HOLD_MS } from './is-warmup';

/** Containers one target may be asked to hold at once (the plugin's `concurrency`, bounded). */
export const MAX_TARGET_CONCURRENCY = 50;

const LAMBDA_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):lambda:([a-z]{2}(-gov|-iso|-isob)?-[a-z]+-\d{1,2}):(\d{12}):function:([A-Za-z0-9_-]{1,64})(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** A Lambda function ARN, optionally qualified: `arn:aws:lambda:eu-west-1:123456789012:function:api[:live]`. */
export interface LambdaArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
  /** The ARN without its qualifier. */
  readonly unqualified: string;
  readonly qualifier?: string;
}

export function parseLambdaArn(arn: string): LambdaArn | null {
  const m = LAMBDA_ARN.exec(arn);
  if (!m) return null;
  const [, partition = '', region = '', , account = '', name = '', , qualifier] = m;
  return { partition, region, account, name, unqualified: `arn:${partition}:lambda:${region}:${account}:function:${name}`, ...(qualifier ? { qualifier } : {}) };
}

const activeHoursSchema = z.string().transform((v, ctx) => {
  const parsed = parseActiveHours(v);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const targetSchema = z
  .strictObject({
    /** A function key of this service (as in `serverless invoke -f KEY`), e.g. `iamConsoleMfa`. */
    function: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a function key of this service, e.g. iamConsoleMfa').optional(),
    /** Any Lambda function ARN, e.g. of another stack. */
    arn: z
      .string()
      .refine((v) => parseLambdaArn(v) !== null, 'not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])')
      .optional(),
    /** Containers held at once. Default 1. */
    concurrency: z.number().int().min(1).max(MAX_TARGET_CONCURRENCY).default(1),
    /** Version or alias to warm; its ARN is what the warmer may invoke. */
    qualifier: z.string().regex(/^(\$LATEST|[A-Za-z0-9_-]{1,128})$/, 'a version number, alias name or $LATEST').optional(),
    /** Warm only inside this window, e.g. `Mon-Fri 07:00-19:00 Europe/Berlin`. Default: always. */
    activeHours: activeHoursSchema.optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.function === undefined) === (t.arn === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of function (in this service) or arn' });
    if (t.arn && t.qualifier && parseLambdaArn(t.arn)?.qualifier) ctx.addIssue({ code: 'custom', path: ['qualifier'], message: 'the arn already carries a qualifier' });
  });

export type WarmerTarget = z.output<typeof targetSchema>;

/** Identity of a target for duplicates and logs: `iamConsoleMfa`, `iamConsoleMfa:live`, or the ARN. */
export function targetLabel(t: Pick<WarmerTarget, 'function' | 'arn' | 'qualifier'>): string {
  return `${t.function ?? t.arn ?? ''}${t.qualifier ? `:${t.qualifier}` : ''}`;
}

/** The stage's `warmer:` section. Closed; off unless `enabled: true`. */
export const warmerSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    schedule: scheduleSchema.default('rate(5 minutes)'),
    targets: z.array(targetSchema).default([]),
    /** How long a warm-up answer waits when its target has concurrency > 1, so parallel calls land on separate containers. Default 100. */
    holdMs: z.number().int().min(0).max(MAX_HOLD_MS).default(100),
    /** Per-invocation timeout; a slower answer counts as a failure. Default 3000. */
    timeoutMs: z.number().int().min(100).max(60_000).default(3000),
    /** Invocations in flight at once, over all targets. Default 250. */
    concurrency: z.number().int().min(1).max(1000).default(250),
  })
  .superRefine((w, ctx) => {
    if (w.enabled && w.targets.length === 0) ctx.addIssue({ code: 'custom', path: ['targets'], message: 'at least one target when the warmer is enabled' });
    if (w.holdMs >= w.timeoutMs) ctx.addIssue({ code: 'custom', path: ['holdMs'], message: `must be shorter than timeoutMs (${w.timeoutMs})` });
    const seen = new Map<string, number>();
    w.targets.forEach((t, i) => {
      if (t.concurrency > w.concurrency) ctx.addIssue({ code: 'custom', path: ['targets', i, 'concurrency'], message: `more than the warmer's overall concurrency (${w.concurrency})` });
      const label = targetLabel(t);
      const first = seen.get(label);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['targets', i], message: `duplicate of targets.${first} (${label})` });
      else seen.set(label, i);
    });
  });

export type WarmerConfig = z.output<typeof warmerSchema>;

/** What the warmer function accepts: its schedule tick, or a person's `{"dryRun": true}`. Closed. */
export const warmerEventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  dryRun: z.boolean().default(false),
});

/** What the warmer function reads of the stage file: the core settings and `warmer:`. */
export interface WarmerRunConfig extends CoreConfig {
  readonly warmer: WarmerConfig;
}

const warmerRunSchema = z.strictObject({ ...coreShape, warmer: warmerSchema.prefault({}) });

/** The warmer's cold start: its part of the stage file, closed, validated before any AWS call. */
export function normaliseWarmerRun(stage: string, input: unknown): WarmerRunConfig {
  return { ...parseOrThrow(`config for stage ${stage}`, warmerRunSchema, input ?? {}), stage };
}
