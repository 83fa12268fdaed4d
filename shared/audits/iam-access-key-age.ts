import * as z from 'zod';
import { accessKeyAgeSettings } from './iam-access-key-age-config';
import type { Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import { deactivateAccessKeys } from '../actions/deactivate-access-keys';
import { daysSince, identityBase, identityView, keyEvidence, keyFinding, noUsersFinding, passKeyEvidence, pendingFindings, userEvidence, userFinding, type IdentityVerdict } from './identity';
import { defineAudit } from './types';
import { memo } from '../memo';

const settings = accessKeyAgeSettings;

const ID = 'iam-access-key-age';

/**
 * Active keys older than `maxAgeDays` FAIL, older than `warnAgeDays` WARN ("older than" = more whole
 * days, as AWS Config and Prowler count); inactive keys are ignored; a user with two active keys WARNs.
 */
export function evaluateAccessKeyAge(inventory: Inventory, s: z.output<typeof settings>): Finding[] {
  const view = identityView(inventory);
  if (!view) return [];
  const pending = pendingFindings(ID, 'high', inventory, view);
  if (view.users.length === 0 && pending.length === 0) return [noUsersFinding(ID, inventory, view)];
  const base = identityBase(ID, inventory);
  const out = pending;
  // Reasons and evidence that repeat (a day count, an inactive-key count) are built once and shared.
  const passReason = memo((ageDays: number) => `active access key is ${ageDays} days old`);
  const noKeys = memo((inactive: number): IdentityVerdict => ({ status: 'PASS', severity: 'info', reason: `no active access keys${inactive > 0 ? ` (${inactive} inactive, ignored)` : ''}`, evidence: Object.freeze({ activeKeys: 0, inactiveKeys: inactive }) }));
  for (const u of view.users) {
    if (u.activeKeys.length === 0) {
      out.push(userFinding(base, u, noKeys(u.inactiveKeys)));
      continue;
    }
    let shared: Record<string, unknown> | undefined;
    const ue = () => (shared ??= userEvidence(view, u));
    if (u.activeKeys.length > 1) {
      out.push(userFinding(base, u, { status: 'WARN', severity: 'medium', reason: `${u.activeKeys.length} active access keys: keep one outside a rotation (CIS 1.13)`, evidence: { activeKeys: u.activeKeys.length, keys: u.activeKeys.map((k) => k.keyId ?? `access_key_${k.slot}`), ...ue() } }));
    }
    for (const k of u.activeKeys) {
      const ageDays = daysSince(view.now, k.lastRotated);
      if (ageDays !== null && ageDays <= s.warnAgeDays) {
        out.push(keyFinding(base, u, k, { status: 'PASS', severity: 'info', reason: passReason(ageDays), evidence: passKeyEvidence(u, k, { ageDays }) }));
        continue;
      }
      const evidence = { ...keyEvidence(u, k), ageDays, maxAgeDays: s.maxAgeDays, warnAgeDays: s.warnAgeDays, ...ue() };
      if (ageDays === null) out.push(keyFinding(base, u, k, { status: 'ERROR', severity: 'high', reason: `not evaluated: the key's creation time is "${k.lastRotated.raw}", not a date`, evidence }));
      else if (ageDays > s.maxAgeDays) out.push(keyFinding(base, u, k, { status: 'FAIL', severity: 'high', reason: `active access key is ${ageDays} days old (more than ${s.maxAgeDays})`, evidence }));
      else out.push(keyFinding(base, u, k, { status: 'WARN', severity: 'medium', reason: `active access key is ${ageDays} days old: rotate before ${s.maxAgeDays}`, evidence }));
    }
  }
  return out;
}

export const iamAccessKeyAge = defineAudit({
  id: ID,
  title: 'Access keys not rotated',
  description: 'Active IAM user access keys older than the rotation period (CIS 1.14, AWS Config access-keys-rotated).',
  severity: 'high',
  remediation: 'Create a new key, move its users to it, then deactivate and delete the old one; better, replace long-lived keys with IAM roles.',
  sources: ['iam.credentialReport', 'iam.users', 'iam.accessKeys'],
  // The report columns its verdicts rest on: a missing one makes it ERROR, never judged on a default.
  reads: { 'iam.credentialReport': ['access_key_1_active', 'access_key_2_active', 'access_key_1_last_rotated', 'access_key_2_last_rotated'] },
  settings,
  evaluate: evaluateAccessKeyAge,
  // Key ids are listed only for keys this audit could WARN or FAIL.
  scope: (s) => ({ 'iam.accessKeys': [{ olderThanDays: s.warnAgeDays }] }),
  action: deactivateAccessKeys(ID),
});
