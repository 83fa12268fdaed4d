import * as z from 'zod';
import { recipientsSchema } from './notify';
import { scheduleSchema } from './schemas';

/** `digest:` in a stage file: one function running every deployed audit on one schedule, sending one email; the audits' own schedules are off. */
export const digestSchema = z.strictObject({
  schedule: scheduleSchema.default('rate(1 day)'),
  /** Default: notify.to. */
  to: recipientsSchema.min(1).optional(),
});

export type DigestConfig = z.output<typeof digestSchema>;
