import { rootMfaSettings } from './iam-root-mfa-config';
import { finding, type Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import { identityBase, identityView, shown } from './identity';
import { defineAudit } from './types';

const settings = rootMfaSettings;

const ID = 'iam-root-mfa';

/**
 * The `<root_account>` row: no MFA FAILs, any active root access key FAILs (both critical). A report
 * without the root row is ERROR: the root user was not seen.
 */
export function evaluateRootMfa(inventory: Inventory): Finding[] {
  const view = identityView(inventory);
  if (!view) return [];
  const { id, partition } = inventory.account;
  const resource = `arn:${partition}:iam::${id}:root`;
  const base = { ...identityBase(ID, inventory), resource, resourceType: 'AWS::::Account' };
  const reportEvidence = { reportGeneratedAt: view.generatedAt, reportAgeHours: view.reportAgeHours };
  const root = view.root;
  if (!root) {
    return [finding({ ...base, resourceId: '<root_account>', status: 'ERROR', severity: 'critical', reason: 'not evaluated: the credential report has no <root_account> row', evidence: reportEvidence })];
  }
  const evidence = { mfaActive: root.mfaActive, passwordLastUsed: shown(root.passwordLastUsed), ...reportEvidence };
  const mfa = root.mfaActive
    ? finding({ ...base, resourceId: '<root_account>', status: 'PASS', severity: 'info', reason: 'root user has an MFA device', evidence })
    : finding({ ...base, resourceId: '<root_account>', status: 'FAIL', severity: 'critical', reason: 'root user has no MFA device', evidence });
  const active = root.accessKeys.filter((k) => k.active);
  const keys = active.map((k) =>
    // The root user's key ids cannot be listed by another principal: the slot names the key.
    finding({
      ...base,
      resourceId: `<root_account>:access_key_${k.slot}`,
      resourceType: 'AWS::IAM::AccessKey',
      status: 'FAIL',
      severity: 'critical',
      reason: `root access key ${k.slot} is active`,
      evidence: { slot: k.slot, created: shown(k.lastRotated), lastUsed: shown(k.lastUsed), lastUsedService: k.lastUsedService, ...reportEvidence },
    }),
  );
  if (keys.length === 0) keys.push(finding({ ...base, resourceId: '<root_account>', status: 'PASS', severity: 'info', reason: 'root user has no active access keys', evidence: { activeKeys: 0, ...reportEvidence } }));
  return [mfa, ...keys];
}

export const iamRootMfa = defineAudit({
  id: ID,
  title: 'Root user without MFA or with access keys',
  description: 'The root user must have MFA and no active access keys (CIS 1.4, 1.5).',
  severity: 'critical',
  remediation: 'Sign in as root, assign an MFA device (hardware preferred) and delete the root access keys (Security credentials page); use IAM roles instead.',
  sources: ['iam.credentialReport'],
  // The report columns its verdicts rest on: a missing one makes it ERROR, never judged on a default.
  reads: { 'iam.credentialReport': ['mfa_active', 'access_key_1_active', 'access_key_2_active'] },
  settings,
  evaluate: (inventory) => evaluateRootMfa(inventory),
});
