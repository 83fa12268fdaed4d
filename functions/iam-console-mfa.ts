import { iamConsoleMfa } from '../shared/audits/iam-console-mfa';
import { credentialReportCollector } from '../shared/collect/credential-report';
import { iamUsersCollector } from '../shared/collect/iam-users';
import { auditFunction, auditHandler } from '../shared/handler';

/** Only this audit and its own collectors: the bundle carries no other audit, collector or SDK client. */
export const definition = auditFunction([iamConsoleMfa], {
  'iam.credentialReport': credentialReportCollector(),
  'iam.users': iamUsersCollector(),
});

/** Console users without MFA. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(definition);
