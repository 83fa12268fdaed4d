import type { Severity } from '../model';
import { deactivateKeysSettings } from '../actions/deactivate-access-keys-config';
import { instanceRemediationSettings } from '../actions/ec2-instances-config';
import { revokeIngressSettings } from '../actions/revoke-ingress-config';
import { certificateExpirySettings } from './certificate-expiry-config';
import { openSecurityGroupsSettings } from './ec2-open-security-groups-config';
import { requiredTagsSettings } from './ec2-required-tags-config';
import { accessKeyAgeSettings } from './iam-access-key-age-config';
import { consoleMfaSettings } from './iam-console-mfa-config';
import { rootMfaSettings } from './iam-root-mfa-config';
import { unusedCredentialsSettings } from './iam-unused-credentials-config';
import { resolveIds } from './resolve';
import { AUDIT_SOURCES } from './sources';
import type { AuditDeclaration, SettingsSchema } from './types';

const declare = (id: string, title: string, severity: Severity, settings: SettingsSchema, remediation?: SettingsSchema): AuditDeclaration => ({
  id,
  title,
  severity,
  sources: AUDIT_SOURCES.find((a) => a.id === id)?.sources ?? [],
  settings,
  ...(remediation ? { action: { settings: remediation } } : {}),
});

/**
 * Each registered audit as a stage file's `audits:` section and an organization's aggregate see it, in
 * registry order: id, title, severity, sources (shared/audits/sources.ts) and the very schema objects its
 * settings and its remediation's settings are validated with, loading no audit module (evaluate code,
 * collectors, remediations, SDK clients). test/registry.test.ts holds it equal to AUDITS.
 */
export const AUDIT_CATALOGUE: readonly AuditDeclaration[] = [
  declare('iam-console-mfa', 'Console users without MFA', 'high', consoleMfaSettings),
  declare('iam-root-mfa', 'Root user without MFA or with access keys', 'critical', rootMfaSettings),
  declare('iam-access-key-age', 'Access keys not rotated', 'high', accessKeyAgeSettings, deactivateKeysSettings),
  declare('iam-unused-credentials', 'Unused credentials', 'high', unusedCredentialsSettings, deactivateKeysSettings),
  declare('certificate-expiry', 'Expiring certificates', 'high', certificateExpirySettings),
  declare('ec2-required-tags', 'EC2 instances without required tags', 'medium', requiredTagsSettings, instanceRemediationSettings),
  declare('ec2-open-security-groups', 'Security groups open to the internet', 'high', openSecurityGroupsSettings, revokeIngressSettings),
];

/** The catalogue's entries of `ids` (`all`: every one), as shared/run.ts resolves the registry's. */
export function declaredAudits(ids: readonly string[]): AuditDeclaration[] {
  return resolveIds(AUDIT_CATALOGUE, ids);
}
