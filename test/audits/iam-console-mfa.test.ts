import { iamConsoleMfa } from '../../shared/audits/iam-console-mfa';
import { evaluateAudit } from '../../shared/evaluate';
import { buildInventory, date, identitySources, rootUser, sourceError, user } from '../builders';

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

describe('audit: iam-console-mfa with the ListUsers cross-check', () => {
  const listedUser = (name: string, createdAt: string) => ({ user: name, arn: `arn:aws:iam::123456789012:user/${name}`, createdAt });

  it('evaluates a user created after the report from its individual reads', () => {
    const frank = user('frank', { createdAt: date('2026-11-20T07:50:00Z'), mfaActive: false });
    const sources = identitySources([user('alice', { mfaActive: true })], [{ ...listedUser('frank', '2026-11-20T07:50:00.000Z'), read: { ok: true, value: frank } }]);
    const findings = evaluateAudit(iamConsoleMfa, buildInventory({ users: [user('alice', { mfaActive: true })], sources }), defaults);
    expect(findings.find((f) => f.resourceId === 'frank')).toMatchObject({ status: 'FAIL', evidence: { source: expect.stringMatching(/not in the credential report/) } });
  });

  it('reports a user missing from the report that could not be read as ERROR "not in credential report yet", never PASS', () => {
    const sources = identitySources([], [{ ...listedUser('gina', '2026-11-20T07:50:00.000Z'), read: { ok: false, error: sourceError('iam.users', 'global') } }]);
    const findings = evaluateAudit(iamConsoleMfa, buildInventory({ users: [], sources }), defaults);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'ERROR', resourceId: 'gina', reason: expect.stringMatching(/not in the credential report yet/) });
  });

  it('does not judge a user deleted since the report', () => {
    const sources = identitySources([user('alice', { mfaActive: true })]);
    const findings = evaluateAudit(iamConsoleMfa, buildInventory({ users: [user('alice', { mfaActive: true }), user('gone')], sources }), defaults);
    expect(findings.map((f) => f.resourceId)).toEqual(['alice']);
  });

  it('adds an ERROR for an unread ListUsers while still judging the report rows', () => {
    const findings = evaluateAudit(iamConsoleMfa, buildInventory({ users: [user('bob')], errors: [sourceError('iam.users', 'global')] }), defaults);
    expect(findings.map((f) => [f.status, f.resourceId])).toEqual([['ERROR', 'iam.users'], ['FAIL', 'bob']]);
  });
});

describe('audit: iam-console-mfa on unreadable report values', () => {
  it('is ERROR, not "not applicable", when a user\'s password_enabled is neither true nor false', () => {
    expect(evaluate({ users: [user('odd', { passwordEnabled: null })] })[0]).toMatchObject({ status: 'ERROR', resourceId: 'odd' });
  });
});
