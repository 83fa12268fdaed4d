import type { Audit } from './types';
import { iamConsoleMfa } from './iam-console-mfa';
import { iamRootMfa } from './iam-root-mfa';
import { iamAccessKeyAge } from './iam-access-key-age';
import { iamUnusedCredentials } from './iam-unused-credentials';
import { certificateExpiry } from './certificate-expiry';
import { ec2RequiredTags } from './ec2-required-tags';
import { ec2OpenSecurityGroups } from './ec2-open-security-groups';
import { COLLECTORS } from '../collect/index';
import { ACCOUNT_ACTIONS } from '../collect/account';
import { REGION_ACTIONS } from '../collect/regions';

/** Every audit, in report order. Adding an audit = one module + one line here. */
export const AUDITS: readonly Audit[] = [
  iamConsoleMfa,
  iamRootMfa,
  iamAccessKeyAge,
  iamUnusedCredentials,
  certificateExpiry,
  ec2RequiredTags,
  ec2OpenSecurityGroups,
];

export const AUDIT_IDS: readonly string[] = AUDITS.map((a) => a.id);

export function getAudit(id: string): Audit | undefined {
  return AUDITS.find((a) => a.id === id);
}

/** Read actions an audit needs: its collectors', region discovery for regional ones, the account alias. */
export function readActions(audit: Audit): string[] {
  const actions = new Set<string>(ACCOUNT_ACTIONS);
  for (const source of audit.sources) {
    const c = COLLECTORS[source];
    for (const a of c.iamActions) actions.add(a);
    if (c.regional) for (const a of REGION_ACTIONS) actions.add(a);
  }
  return [...actions].sort();
}
