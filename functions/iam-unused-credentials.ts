import { auditHandler } from '../shared/handler';

/** Console passwords and access keys left unused. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(['iam-unused-credentials']);
