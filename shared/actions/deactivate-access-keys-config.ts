import * as z from 'zod';

/** The `remediation:` block of the access-key audits (deactivate-access-keys.ts), apart from its code and IAM client: what validating a stage file needs (shared/audits/catalogue.ts). */
export const deactivateKeysSettings = z.strictObject({
  maxActions: z.number().int().min(1).max(1000).default(10).describe('Above this many keys in one run nothing is changed and the report says why.'),
});
