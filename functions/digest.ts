import { auditHandler } from '../shared/handler';
import { digestAuditIds, digestRecipients } from '../shared/digest';

/** The stage's digest: every deployed audit in one run and one email (`digest` in config/<stage>.yml). */
export const handler = auditHandler(digestAuditIds, undefined, digestRecipients);
