import { iamConsoleMfa } from '../../shared/audits/iam-console-mfa';
import { evaluateAudit } from '../../shared/evaluate';
import { buildInventory, date, rootUser, sourceError, user } from '../builders';

const defaults = iamConsoleMfa.settings.parse({});
const evaluate = (users: Parameters<typeof buildInventory>[0], settings = defaults) => evaluateAudit(iamConsoleMfa, buildInventory(users), settings);

describe('audit: iam-console-mfa', () => {
  it('fails a console user without an MFA device', () => {
    const [f] = evaluate({ users: [user('bob')] });
    expect(f).toMatchObject({ status: 'FAIL', resource: 'arn:aws:iam::123456789012:user/bob', resourceId: 'bob', region: 'global', account: '123456789012' });
    expect(f?.evidence).toMatchObject({ passwordEnabled: true, mfaActive: false, reportAgeHours: 0 });
  });

  it('passes a console user with an assigned MFA device', () => {
    expect(evaluate({ users: [user('alice', { mfaActive: true })] })[0]?.status).toBe('PASS');
  });

  it('does not count a created-but-unassigned virtual MFA device (mfa_active false)', () => {
    expect(evaluate({ users: [user('dave', { mfaActive: false })] })[0]?.status).toBe('FAIL');
  });

  it('passes users without console access, saying the check does not apply', () => {
    const [f] = evaluate({ users: [user('ci', { passwordEnabled: false })] });
    expect(f?.status).toBe('PASS');
    expect(f?.reason).toMatch(/not applicable/);
  });

  it('ignores the root row (its own audit covers it)', () => {
    const findings = evaluate({ users: [rootUser({ mfaActive: false }), user('alice', { mfaActive: true })] });
    expect(findings.map((f) => f.resourceId)).toEqual(['alice']);
  });

  it('gives a clear PASS when the account has no IAM users', () => {
    const findings = evaluate({ users: [rootUser()] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'PASS', reason: 'no IAM users' });
  });

  it('warns instead of failing within the grace period, and fails on the day it ends', () => {
    const settings = iamConsoleMfa.settings.parse({ graceDays: 7 });
    const young = user('erin', { createdAt: date('2026-11-14T08:00:01Z') }); // 5.99 days
    const due = user('finn', { createdAt: date('2026-11-13T08:00:00Z') }); // exactly 7 days
    const [a, b] = evaluate({ users: [young, due] }, settings);
    expect(a?.status).toBe('WARN');
    expect(b?.status).toBe('FAIL');
  });

  it('fails a user whose creation time is not a date even within a grace period', () => {
    const settings = iamConsoleMfa.settings.parse({ graceDays: 7 });
    expect(evaluate({ users: [user('x', { createdAt: date(null, 'N/A') })] }, settings)[0]?.status).toBe('FAIL');
  });

  it('reports the report age in the evidence', () => {
    const [f] = evaluate({ users: [user('bob')], reportGeneratedAt: '2026-11-20T04:30:00Z' });
    expect(f?.evidence.reportAgeHours).toBe(3);
  });

  it('turns an unreadable credential report into an ERROR, never a PASS', () => {
    const findings = evaluateAudit(iamConsoleMfa, buildInventory({ errors: [sourceError('iam.credentialReport', 'global')] }), defaults);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'ERROR', resourceId: 'iam.credentialReport', region: 'global' });
    expect(findings[0]?.reason).toMatch(/not evaluated.*AccessDenied/);
  });

  it('rejects a negative or fractional grace period', () => {
    expect(iamConsoleMfa.settings.safeParse({ graceDays: -1 }).success).toBe(false);
    expect(iamConsoleMfa.settings.safeParse({ graceDays: 1.5 }).success).toBe(false);
    expect(iamConsoleMfa.settings.safeParse({ graceDay: 1 }).success).toBe(false);
  });
});
