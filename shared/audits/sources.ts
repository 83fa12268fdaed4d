import type { SourceId } from '../collect/inventory';

/**
 * Each registered audit's sources, in registry order: what planning an organization run's parts
 * (organization.splitRegions, in the discover function) needs of the audits, without loading them (their
 * collectors, remediations and SDK clients). test/registry.test.ts holds it equal to AUDITS.
 */
export const AUDIT_SOURCES: readonly { readonly id: string; readonly sources: readonly SourceId[] }[] = [
  { id: 'iam-console-mfa', sources: ['iam.credentialReport', 'iam.users'] },
  { id: 'iam-root-mfa', sources: ['iam.credentialReport'] },
  { id: 'iam-access-key-age', sources: ['iam.credentialReport', 'iam.users', 'iam.accessKeys'] },
  { id: 'iam-unused-credentials', sources: ['iam.credentialReport', 'iam.users', 'iam.accessKeys'] },
  { id: 'certificate-expiry', sources: ['iam.serverCertificates', 'acm.certificates'] },
  { id: 'ec2-required-tags', sources: ['ec2.instances'] },
  { id: 'ec2-open-security-groups', sources: ['ec2.securityGroups', 'ec2.networkInterfaces'] },
];
