import * as z from 'zod';
import { unusedCredentialsSettings } from './iam-unused-credentials-config';
import type { Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import type { ReportDate } from '../collect/credential-report';
import { deactivateAccessKeys } from '../actions/deactivate-access-keys';
import { daysSince, identityBase, identityView, keyEvidence, keyFinding, noUsersFinding, passKeyEvidence, pendingFindings, shown, userEvidence, userFinding, type IdentityVerdict, type IdentityView, type PassFigure, type ViewUser } from './identity';
import { memo } from '../memo';
import { defineAudit } from './types';

const settings = unusedCredentialsSettings;
type Settings = z.output<typeof settings>;

const ID = 'iam-unused-credentials';

/** A PASS rests on one figure (PassFigure); a FAIL or ERROR carries the threshold too. */
type Verdict = { status: 'PASS'; reason: string; evidence: PassFigure } | { status: 'FAIL' | 'ERROR'; reason: string; evidence: Record<string, unknown> };

/** What a verdict's reason and PASS evidence repeat across users: built once per evaluation (memo). */
interface Shared {
  readonly base: ReturnType<typeof identityBase>;
  readonly usedReason: (what: string) => (idle: number) => string;
  readonly passEvidence: (what: string) => (days: number) => PassFigure;
  readonly noCredentials: (inactive: number) => IdentityVerdict;
}

function sharedValues(inventory: Inventory): Shared {
  return {
    base: identityBase(ID, inventory),
    usedReason: memo((what: string) => memo((idle: number) => `${what} used ${idle} days ago`)),
    passEvidence: memo((what: string) => memo((days: number) => Object.freeze({ credential: what, daysSinceUse: days }))),
    noCredentials: memo((inactive: number): IdentityVerdict => ({ status: 'PASS', severity: 'info', reason: `no console password and no active access keys${inactive > 0 ? ` (${inactive} inactive, ignored)` : ''}`, evidence: Object.freeze({ passwordEnabled: false, activeKeys: 0 }) })),
  };
}

/**
 * One credential's verdict: used `unusedDays` or more days ago FAILs; never used (`N/A`, or for a password
 * `no_information`: not used since IAM began tracking in October 2014) FAILs once older than the grace.
 * A PASS's evidence is the one figure that decided it; the rest carry the threshold too.
 */
export function usageVerdict(view: IdentityView, what: string, lastUsed: ReportDate, created: ReportDate, s: Settings, shared: Shared): Verdict {
  const idle = daysSince(view.now, lastUsed);
  if (idle !== null) {
    if (idle < s.unusedDays) return { status: 'PASS', reason: shared.usedReason(what)(idle), evidence: shared.passEvidence(what)(idle) };
    return { status: 'FAIL', reason: `${what} not used for ${idle} days (${s.unusedDays} or more)`, evidence: { daysSinceUse: idle, unusedDays: s.unusedDays } };
  }
  const age = daysSince(view.now, created);
  const evidence = { ageDays: age, neverUsedGraceDays: s.neverUsedGraceDays };
  const never = lastUsed.raw === 'no_information' ? 'not used since IAM began tracking (October 2014)' : 'never used';
  if (age === null) return { status: 'ERROR', reason: `not evaluated: ${what} ${never} and its creation time is "${created.raw}", not a date`, evidence };
  return age > s.neverUsedGraceDays
    ? { status: 'FAIL', reason: `${what} ${never}, created ${age} days ago (grace ${s.neverUsedGraceDays} days)`, evidence }
    : { status: 'PASS', reason: `${what} not used yet, created ${age} days ago (within the ${s.neverUsedGraceDays}-day grace)`, evidence: { credential: what, ageDays: age } };
}

const severityOf = (status: Verdict['status']) => (status === 'PASS' ? 'info' : 'high') as 'info' | 'high';

function userFindings(out: Finding[], view: IdentityView, u: ViewUser, s: Settings, shared: Shared): void {
  const { base } = shared;
  let common: Record<string, unknown> | undefined;
  const ue = () => (common ??= userEvidence(view, u));
  const before = out.length;
  if (u.passwordEnabled === null) {
    out.push(userFinding(base, u, { status: 'ERROR', severity: 'high', reason: 'not evaluated: the report\'s password_enabled is neither true nor false', evidence: ue() }));
  } else if (u.passwordEnabled) {
    // The password's own age: when it was set, else when the user was created.
    const created = u.passwordLastChanged.at ? u.passwordLastChanged : u.createdAt;
    const v = usageVerdict(view, 'console password', u.passwordLastUsed, created, s, shared);
    const evidence = v.status === 'PASS' ? v.evidence : { credential: 'console password', passwordLastUsed: shown(u.passwordLastUsed), passwordSet: shown(created), ...v.evidence, ...ue() };
    out.push(userFinding(base, u, { status: v.status, severity: severityOf(v.status), reason: v.reason, evidence }));
  }
  for (const k of u.activeKeys) {
    const v = usageVerdict(view, 'access key', k.lastUsed, k.lastRotated, s, shared);
    const evidence = v.status === 'PASS' ? passKeyEvidence(u, k, v.evidence) : { credential: 'access key', ...keyEvidence(u, k), ...v.evidence, ...ue() };
    out.push(keyFinding(base, u, k, { status: v.status, severity: severityOf(v.status), reason: v.reason, evidence }));
  }
  if (out.length === before) out.push(userFinding(base, u, shared.noCredentials(u.inactiveKeys)));
}

/** Console passwords and active access keys unused for `unusedDays`, or never used past the grace (CIS 1.12). */
export function evaluateUnusedCredentials(inventory: Inventory, s: Settings): Finding[] {
  const view = identityView(inventory);
  if (!view) return [];
  const pending = pendingFindings(ID, 'high', inventory, view);
  if (view.users.length === 0 && pending.length === 0) return [noUsersFinding(ID, inventory, view)];
  const shared = sharedValues(inventory);
  const out = pending;
  for (const u of view.users) userFindings(out, view, u, s, shared);
  return out;
}

export const iamUnusedCredentials = defineAudit({
  id: ID,
  title: 'Unused credentials',
  description: 'Console passwords and active access keys unused for the set number of days, or never used (CIS 1.12, AWS Config iam-user-unused-credentials-check).',
  severity: 'high',
  remediation: 'Deactivate unused access keys and remove unused console passwords; delete the user if nobody needs it.',
  sources: ['iam.credentialReport', 'iam.users', 'iam.accessKeys'],
  // The report columns its verdicts rest on: a missing one makes it ERROR, never judged on a default.
  reads: { 'iam.credentialReport': ['password_enabled', 'password_last_used', 'password_last_changed', 'access_key_1_active', 'access_key_2_active', 'access_key_1_last_rotated', 'access_key_2_last_rotated', 'access_key_1_last_used_date', 'access_key_2_last_used_date'] },
  settings,
  evaluate: evaluateUnusedCredentials,
  // Key ids are listed only for keys this audit could FAIL.
  scope: (s) => ({ 'iam.accessKeys': [{ unusedForDays: s.unusedDays, neverUsedOlderThanDays: s.neverUsedGraceDays }] }),
  action: deactivateAccessKeys(ID),
});
