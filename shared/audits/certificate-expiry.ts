import * as z from 'zod';
import { certificateExpirySettings } from './certificate-expiry-config';
import { parseISO } from 'date-fns';
import { GLOBAL_REGION, finding, type Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import type { AcmCertificate } from '../collect/acm-certificates';
import type { ServerCertificate } from '../collect/server-certificates';
import { judgeCertificate, type CertificateFacts, type Thresholds } from './certificate-rules';
import { defineAudit } from './types';

const settings = certificateExpirySettings;

const ID = 'certificate-expiry';

function iamFacts(c: ServerCertificate): CertificateFacts {
  // IAM holds uploaded certificates only; it never renews them and does not say what uses them.
  return { type: 'IMPORTED', status: 'ISSUED', notAfter: c.notAfter, inUse: null, inUseBy: null, renewalEligibility: null, renewalStatus: null, renewalStatusReason: null, failureReason: null };
}

function judged(facts: CertificateFacts, now: Date, t: Thresholds) {
  const v = judgeCertificate(facts, now, t);
  // A PASS keeps the date that decided it; the certificate's other facts are evidence of a problem only.
  if (v.status === 'PASS') return { status: v.status, severity: v.severity, reason: v.reason, evidence: { notAfter: facts.notAfter, daysLeft: v.daysLeft }, pass: true };
  const evidence = {
    type: facts.type,
    status: facts.status,
    notAfter: facts.notAfter,
    daysLeft: v.daysLeft,
    inUse: facts.inUse,
    ...(facts.inUseBy ? { inUseBy: facts.inUseBy.join(' ') } : {}),
    renewalEligibility: facts.renewalEligibility,
    renewalStatus: facts.renewalStatus,
    ...(facts.renewalStatusReason ? { renewalStatusReason: facts.renewalStatusReason } : {}),
    ...(facts.failureReason ? { failureReason: facts.failureReason } : {}),
    failDays: t.failDays,
    warnDays: t.warnDays,
  };
  return { status: v.status, severity: v.severity, reason: v.reason, evidence, pass: false };
}

/**
 * IAM server certificates (global) and ACM certificates in every read region, each judged by
 * judgeCertificate(); a region that could not be read is skipped here (the engine reports it as ERROR).
 */
export function evaluateCertificateExpiry(inventory: Inventory, s: z.output<typeof settings>): Finding[] {
  const now = parseISO(inventory.collectedAt);
  const account = inventory.account.id;
  const findings: Finding[] = [];
  const read: string[] = [];
  const iam = inventory.sources['iam.serverCertificates'];
  if (iam?.ok) {
    read.push('IAM');
    for (const c of iam.value) {
      const { pass, ...v } = judged(iamFacts(c), now, s);
      findings.push(finding({ auditId: ID, ...v, resource: c.arn, resourceId: c.name, resourceType: 'AWS::IAM::ServerCertificate', region: GLOBAL_REGION, account, evidence: pass ? { name: c.name, ...v.evidence } : { name: c.name, path: c.path, uploadedAt: c.uploadedAt, ...v.evidence } }));
    }
  }
  const acm = inventory.sources['acm.certificates'] ?? {};
  for (const region of Object.keys(acm).sort()) {
    const outcome = acm[region];
    if (!outcome?.ok) continue;
    read.push(`ACM ${region}`);
    for (const c of outcome.value as readonly AcmCertificate[]) {
      const { pass, ...v } = judged(c, now, s);
      findings.push(finding({ auditId: ID, ...v, resource: c.arn, resourceId: c.domain, resourceType: 'AWS::ACM::Certificate', region, account, evidence: pass ? { domain: c.domain, ...v.evidence } : { domain: c.domain, keyAlgorithm: c.keyAlgorithm, ...v.evidence } }));
    }
  }
  if (findings.length === 0 && read.length > 0) {
    const root = `arn:${inventory.account.partition}:iam::${account}:root`;
    findings.push(finding({ auditId: ID, status: 'PASS', severity: 'info', resource: root, resourceId: account, resourceType: 'AWS::::Account', region: GLOBAL_REGION, account, reason: `no certificates (read: ${read.join(', ')})`, evidence: { read: read.join(', ') } }));
  }
  return findings;
}

export const certificateExpiry = defineAudit({
  id: ID,
  title: 'Expiring certificates',
  description: 'IAM server certificates and ACM certificates in every enabled region that are expired, about to expire, failing managed renewal, or stuck in validation.',
  severity: 'high',
  remediation: 'Renew or replace the certificate before it expires (ACM: fix the validation records so managed renewal succeeds; imported and IAM certificates: import a renewed one), and delete expired certificates nothing uses.',
  sources: ['iam.serverCertificates', 'acm.certificates'],
  settings,
  evaluate: evaluateCertificateExpiry,
});
