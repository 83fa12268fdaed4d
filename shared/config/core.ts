import * as z from 'zod';
import { deadlinesSchema, type DeadlineSettings } from '../deadline';
import { regionSchema } from './schemas';

/**
 * The stage settings every function reads: where it runs and how hard the SDK retries. Each function kind
 * validates these plus its own section (one section = one module), so no function imports another's schema.
 */
export const coreShape = {
  /** Region the bots are deployed to. */
  region: regionSchema.default('us-east-1'),
  /** SDK attempts per call, adaptive retry mode. */
  maxAttempts: z.number().int().min(1).max(10).default(5),
  /** Run budget and the deadlines of each source, request and delivery, in seconds (shared/deadline.ts). */
  deadlines: deadlinesSchema.prefault({}),
};

export interface CoreConfig {
  readonly stage: string;
  readonly region: string;
  readonly maxAttempts: number;
  readonly deadlines: DeadlineSettings;
}
