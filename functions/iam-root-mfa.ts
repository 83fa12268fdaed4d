import { auditHandler } from '../shared/handler';

/** The root user's MFA and access keys. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(['iam-root-mfa']);
