import * as z from 'zod';

// The settings schema of iam-access-key-age (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

export const accessKeyAgeSettings = z
  .strictObject({
    maxAgeDays: z.number().int().min(1).max(3650).default(90).describe('An active key older than this many days FAILs (AWS Config access-keys-rotated: 90).'),
    warnAgeDays: z.number().int().min(1).max(3650).default(80).describe('An active key older than this many days WARNs; must be below maxAgeDays.'),
  })
  .refine((s) => s.warnAgeDays < s.maxAgeDays, { message: 'must be less than maxAgeDays', path: ['warnAgeDays'] });
