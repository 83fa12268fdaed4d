import { iamUnusedCredentials } from '../shared/audits/iam-unused-credentials';
import { credentialReportCollector } from '../shared/collect/credential-report';
import { iamUsersCollector } from '../shared/collect/iam-users';
import { accessKeysCollector } from '../shared/collect/iam-access-keys';
import { auditFunction, auditHandler } from '../shared/handler';

/** Only this audit and its own collectors: the bundle carries no other audit, collector or SDK client. */
export const definition = auditFunction([iamUnusedCredentials], {
  'iam.credentialReport': credentialReportCollector(),
  'iam.users': iamUsersCollector(),
  'iam.accessKeys': accessKeysCollector(),
});

/** Console passwords and access keys left unused. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(definition);
