import * as z from 'zod';

// The settings schema of iam-unused-credentials (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

export const unusedCredentialsSettings = z.strictObject({
  unusedDays: z.number().int().min(1).max(3650).default(45).describe('A credential not used for this many days or more FAILs (CIS 1.12: 45).'),
  neverUsedGraceDays: z.number().int().min(0).max(3650).default(7).describe('A credential never used FAILs once it is older than this many days.'),
});
