import * as z from 'zod';

// The settings schema of certificate-expiry (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

export const certificateExpirySettings = z
  .strictObject({
    failDays: z.number().int().min(0).max(365).default(14).describe('Days left (UTC calendar) at or below which a certificate fails.'),
    warnDays: z.number().int().min(1).max(365).default(45).describe('Days left at or below which a certificate warns. Must be greater than failDays.'),
  })
  .superRefine((s, ctx) => {
    if (s.failDays >= s.warnDays) ctx.addIssue({ code: 'custom', path: ['failDays'], message: `failDays (${s.failDays}) must be less than warnDays (${s.warnDays})` });
  });
