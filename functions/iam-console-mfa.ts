import { auditHandler } from '../shared/handler';

/** Console users without MFA. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(['iam-console-mfa']);
