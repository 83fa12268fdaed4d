import * as z from 'zod';

/** Lambda's own limits. */
const memorySize = z.number().int().min(128).max(10_240);
const timeout = z.number().int().min(1).max(900);

const sizingSchema = z.strictObject({
  /** MB (128-10240); CPU grows with it. */
  memorySize: memorySize.optional(),
  /** Seconds (1-900). */
  timeout: timeout.optional(),
});

/**
 * `lambda:` in a stage file (deploy only): memory and timeout for the stage's audit and digest functions
 * (default 512 MB, 300 s), and for any function by its key under `functions`, which wins over every default.
 */
export const lambdaSchema = sizingSchema
  .extend({
    functions: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a function key of this service, e.g. iamConsoleMfa'), sizingSchema).default({}),
  })
  .prefault({});

export type LambdaConfig = z.output<typeof lambdaSchema>;
