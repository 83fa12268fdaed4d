import * as z from 'zod';

// The settings schema of iam-console-mfa (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

export const consoleMfaSettings = z.strictObject({
  graceDays: z.number().int().min(0).max(365).default(0).describe('Days after a user\'s creation before a missing MFA device fails (WARN until then).'),
});
