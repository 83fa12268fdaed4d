import * as z from 'zod';
import { emailSchema } from './schemas';

/** `alerts:` in a stage file: an Errors alarm on each scheduled function, to an SNS topic (deploy only). */
export const alertsSchema = z.strictObject({ enabled: z.boolean().default(true), email: emailSchema.optional() }).default({ enabled: true });

export type AlertsConfig = z.output<typeof alertsSchema>;
