import { AUDITS } from '../shared/audits/index';
import { COLLECTORS } from '../shared/collect/index';
import { digestAuditIds, digestRecipients } from '../shared/digest';
import { auditFunction, auditHandler } from '../shared/handler';

/** Every registered audit and collector: the digest runs the audits its stage deploys. */
export const definition = auditFunction(AUDITS, COLLECTORS, { runs: digestAuditIds, to: digestRecipients });

/** The stage's digest: every deployed audit in one run and one email (`digest` in config/<stage>.yml). */
export const handler = auditHandler(definition);
