import * as z from 'zod';

// The settings schema of iam-root-mfa (its `settings:` block), apart from its evaluate code: what validating a stage
// file needs without loading the audit, its remediation or any SDK client (shared/audits/catalogue.ts).

export const rootMfaSettings = z.strictObject({});
