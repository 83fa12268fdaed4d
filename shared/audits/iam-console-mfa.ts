import * as z from 'zod';
import { consoleMfaSettings } from './iam-console-mfa-config';
import type { Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import { daysSince, identityBase, identityView, noUsersFinding, pendingFindings, shown, userEvidence, userFinding, type IdentityVerdict, type IdentityView, type ViewUser } from './identity';
import { defineAudit } from './types';

const settings = consoleMfaSettings;

const ID = 'iam-console-mfa';

const NO_PASSWORD = Object.freeze({ passwordEnabled: false });
const HAS_MFA = Object.freeze({ passwordEnabled: true, mfaActive: true });

const NO_PASSWORD_PASS = { status: 'PASS', severity: 'info', reason: 'no console password: MFA for console sign-in not applicable', evidence: NO_PASSWORD } as const;
const HAS_MFA_PASS = { status: 'PASS', severity: 'info', reason: 'console user has an assigned MFA device', evidence: HAS_MFA } as const;

/** One user's verdict; a PASS says only what decided it, in evidence shared by every such PASS. */
function verdict(view: IdentityView, u: ViewUser, s: z.output<typeof settings>): IdentityVerdict {
  if (u.passwordEnabled === false) return NO_PASSWORD_PASS;
  if (u.passwordEnabled && u.mfaActive) return HAS_MFA_PASS;
  const evidence = {
    passwordEnabled: u.passwordEnabled,
    mfaActive: u.mfaActive,
    passwordLastUsed: shown(u.passwordLastUsed),
    ...userEvidence(view, u),
  };
  if (u.passwordEnabled === null) return { status: 'ERROR', severity: 'high', reason: 'not evaluated: the report\'s password_enabled is neither true nor false', evidence };
  const ageDays = daysSince(view.now, u.createdAt);
  if (ageDays !== null && ageDays < s.graceDays) {
    return { status: 'WARN', severity: 'medium', reason: `console user without MFA, created ${ageDays} days ago (grace period ${s.graceDays} days)`, evidence: { ...evidence, ageDays } };
  }
  return { status: 'FAIL', severity: 'high', reason: 'console password enabled but no MFA device assigned', evidence: { ...evidence, ageDays } };
}

export function evaluateConsoleMfa(inventory: Inventory, s: z.output<typeof settings>): Finding[] {
  const view = identityView(inventory);
  if (!view) return []; // the engine turns the source error into ERROR findings
  const base = identityBase(ID, inventory);
  const pending = pendingFindings(ID, 'high', inventory, view);
  if (view.users.length === 0 && pending.length === 0) return [noUsersFinding(ID, inventory, view)];
  const out = pending;
  for (const u of view.users) out.push(userFinding(base, u, verdict(view, u, s)));
  return out;
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
