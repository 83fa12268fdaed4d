import * as z from 'zod';
import { parseOrThrow } from './issues';
import { regionSchema } from './schemas';

/** What an audit handler accepts: a scheduled tick, or a person's `{"dryRun": true, ...}`. Closed. */
export const eventSchema = z.strictObject({
  source: z.literal('opsbots.schedule').optional(),
  dryRun: z.boolean().default(false),
  regions: z.array(regionSchema).min(1).optional(),
  /** Per-audit setting overrides, validated like the stage file. */
  settings: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type RunEvent = z.output<typeof eventSchema>;

export function parseEvent(event: unknown): RunEvent {
  return parseOrThrow('event', eventSchema, event ?? {});
}
