import * as z from 'zod';
import { consoleMfaSettings } from './iam-console-mfa-config';
import { finding, type Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import { daysSince, identityBase, identityView, noUsersFinding, pendingFindings, shown, userEvidence, type ViewUser } from './identity';
import { defineAudit } from './types';

const settings = consoleMfaSettings;

const ID = 'iam-console-mfa';

const NO_PASSWORD = Object.freeze({ passwordEnabled: false });
const HAS_MFA = Object.freeze({ passwordEnabled: true, mfaActive: true });

export function evaluateConsoleMfa(inventory: Inventory, s: z.output<typeof settings>): Finding[] {
  const view = identityView(inventory);
  if (!view) return []; // the engine turns the source error into ERROR findings
  const base = { ...identityBase(ID, inventory), resourceType: 'AWS::IAM::User' };
  const pending = pendingFindings(ID, 'high', inventory, view);
  if (view.users.length === 0 && pending.length === 0) return [noUsersFinding(ID, inventory, view)];
  const judged = view.users.map((u: ViewUser) => {
    // A PASS says only what decided it, in evidence shared by every such PASS.
    if (u.passwordEnabled === false) return finding({ ...base, resource: u.arn, resourceId: u.user, status: 'PASS', severity: 'info', reason: 'no console password: MFA for console sign-in not applicable', evidence: NO_PASSWORD });
    if (u.passwordEnabled && u.mfaActive) return finding({ ...base, resource: u.arn, resourceId: u.user, status: 'PASS', severity: 'info', reason: 'console user has an assigned MFA device', evidence: HAS_MFA });
    const evidence = {
      passwordEnabled: u.passwordEnabled,
      mfaActive: u.mfaActive,
      passwordLastUsed: shown(u.passwordLastUsed),
      ...userEvidence(view, u),
    };
    const common = { ...base, resource: u.arn, resourceId: u.user, evidence };
    if (u.passwordEnabled === null) {
      return finding({ ...common, status: 'ERROR', severity: 'high', reason: 'not evaluated: the report\'s password_enabled is neither true nor false' });
    }
    const ageDays = daysSince(view.now, u.createdAt);
    if (ageDays !== null && ageDays < s.graceDays) {
      return finding({ ...common, status: 'WARN', severity: 'medium', reason: `console user without MFA, created ${ageDays} days ago (grace period ${s.graceDays} days)`, evidence: { ...evidence, ageDays } });
    }
    return finding({ ...common, status: 'FAIL', severity: 'high', reason: 'console password enabled but no MFA device assigned', evidence: { ...evidence, ageDays } });
  });
  return [...pending, ...judged];
}

export const iamConsoleMfa = defineAudit({
  id: ID,
  title: 'Console users without MFA',
  description: 'IAM users who can sign in to the console with a password but have no assigned MFA device.',
  severity: 'high',
  remediation: 'Assign an MFA device to the user (IAM > Users > Security credentials), or remove the console password if the user does not need console access.',
  sources: ['iam.credentialReport', 'iam.users'],
  // The report columns its verdicts rest on: a missing one makes it ERROR, never judged on a default.
  reads: { 'iam.credentialReport': ['password_enabled', 'mfa_active'] },
  settings,
  evaluate: evaluateConsoleMfa,
});
