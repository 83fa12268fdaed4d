import { auditHandler } from '../shared/handler';

/** Expiring IAM server and ACM certificates. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(['certificate-expiry']);
