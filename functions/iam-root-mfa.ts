import { iamRootMfa } from '../shared/audits/iam-root-mfa';
import { credentialReportCollector } from '../shared/collect/credential-report';
import { auditFunction, auditHandler } from '../shared/handler';

/** Only this audit and its own collectors: the bundle carries no other audit, collector or SDK client. */
export const definition = auditFunction([iamRootMfa], {
  'iam.credentialReport': credentialReportCollector(),
});

/** The root user's MFA and access keys. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(definition);
