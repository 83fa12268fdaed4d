import { certificateExpiry } from '../shared/audits/certificate-expiry';
import { serverCertificatesCollector } from '../shared/collect/server-certificates';
import { acmCertificatesCollector } from '../shared/collect/acm-certificates';
import { auditFunction, auditHandler } from '../shared/handler';

/** Only this audit and its own collectors: the bundle carries no other audit, collector or SDK client. */
export const definition = auditFunction([certificateExpiry], {
  'iam.serverCertificates': serverCertificatesCollector(),
  'acm.certificates': acmCertificatesCollector(),
});

/** Expiring IAM server and ACM certificates. Scheduled from config/<stage>.yml; `{"dryRun":true}` by hand. */
export const handler = auditHandler(definition);
