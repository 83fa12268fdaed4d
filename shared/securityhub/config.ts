import * as z from 'zod';
import { regionSchema } from '../config/schemas';

/**
 * The stage's `securityHub` block: import the audits' findings into AWS Security Hub (BatchImportFindings)
 * after each run. Off by default; the role gets the Security Hub permissions only where it is on.
 */
export const securityHubSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Region of the Security Hub to import into (and global resources' Region). Default: the deploy region. */
  region: regionSchema.optional(),
});

export type SecurityHubConfig = z.output<typeof securityHubSchema>;
