import { z } from 'zod';
import { differenceInDays, differenceInHours, parseISO } from 'date-fns';
import { GLOBAL_REGION, finding, type Finding } from '../model';
import type { Inventory } from '../collect/inventory';
import type { CredentialUser } from '../collect/credential-report';
import { defineAudit } from './types';

const settings = z.strictObject({
  /** Days after a user's creation before a missing MFA device fails (WARN until then). */
  graceDays: z.number().int().min(0).max(365).default(0),
});

const ID = 'iam-console-mfa';

export function evaluateConsoleMfa(inventory: Inventory, s: z.output<typeof settings>): Finding[] {
  const report = inventory.sources['iam.credentialReport'];
  if (!report?.ok) return []; // the engine turns the source error into ERROR findings
  const now = parseISO(inventory.collectedAt);
  const reportAgeHours = differenceInHours(now, parseISO(report.value.generatedAt));
  const base = { auditId: ID, region: GLOBAL_REGION, account: inventory.account.id, resourceType: 'AWS::IAM::User' };
  const users = report.value.users.filter((u) => !u.isRoot);
  if (users.length === 0) {
    return [finding({ ...base, status: 'PASS', severity: 'info', resource: `arn:${inventory.account.partition}:iam::${inventory.account.id}:root`, resourceId: inventory.account.id, resourceType: 'AWS::::Account', reason: 'no IAM users', evidence: { reportGeneratedAt: report.value.generatedAt, reportAgeHours } })];
  }
  return users.map((u: CredentialUser) => {
    const evidence = {
      passwordEnabled: u.passwordEnabled,
      mfaActive: u.mfaActive,
      userCreated: u.createdAt.at ?? u.createdAt.raw,
      passwordLastUsed: u.passwordLastUsed.at ?? u.passwordLastUsed.raw,
      reportGeneratedAt: report.value.generatedAt,
      reportAgeHours,
    };
    const common = { ...base, resource: u.arn, resourceId: u.user, evidence };
    if (u.passwordEnabled !== true) {
      return finding({ ...common, status: 'PASS', severity: 'info', reason: 'no console password: MFA for console sign-in not applicable' });
    }
    if (u.mfaActive) return finding({ ...common, status: 'PASS', severity: 'info', reason: 'console user has an assigned MFA device' });
    const ageDays = u.createdAt.at ? differenceInDays(now, parseISO(u.createdAt.at)) : null;
    if (ageDays !== null && ageDays < s.graceDays) {
      return finding({ ...common, status: 'WARN', severity: 'medium', reason: `console user without MFA, created ${ageDays} days ago (grace period ${s.graceDays} days)`, evidence: { ...evidence, ageDays } });
    }
    return finding({ ...common, status: 'FAIL', severity: 'high', reason: 'console password enabled but no MFA device assigned', evidence: { ...evidence, ageDays } });
  });
}

export const iamConsoleMfa = defineAudit({
  id: ID,
  title: 'Console users without MFA',
  description: 'IAM users who can sign in to the console with a password but have no assigned MFA device.',
  severity: 'high',
  remediation: 'Assign an MFA device to the user (IAM > Users > Security credentials), or remove the console password if the user does not need console access.',
  sources: ['iam.credentialReport'],
  settings,
  evaluate: evaluateConsoleMfa,
});
