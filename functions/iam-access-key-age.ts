import { auditHandler } from '../shared/handler';

/** Active access keys past the rotation period. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(['iam-access-key-age']);
