import { iamUnusedCredentials } from '../../shared/audits/iam-unused-credentials';
import { evaluateAudit } from '../../shared/evaluate';
import { ok } from '../../shared/collect/outcome';
import { accessKey, buildInventory, date, identitySources, keyId, keyUser, sourceError, user } from '../builders';
import type { CredentialUser } from '../../shared/collect/credential-report';

const defaults = iamUnusedCredentials.settings.parse({});
const evaluate = (users: CredentialUser[], settings: Record<string, unknown> = defaults, missing: Parameters<typeof identitySources>[1] = []) =>
  evaluateAudit(iamUnusedCredentials, buildInventory({ users, sources: identitySources(users, missing) }), settings);
const ago = (days: number) => new Date(Date.parse('2026-11-20T08:00:00Z') - days * 86_400_000).toISOString();
const statuses = (users: CredentialUser[], settings?: Record<string, unknown>) => evaluate(users, settings).map((f) => [f.resourceId, f.status]);

describe('audit: iam-unused-credentials', () => {
  it('fails an active key not used for unusedDays or more (CIS 1.12: 45 days or greater), passes one used since', () => {
    expect(statuses([keyUser('a', [accessKey(1, ago(400), ago(45))]), keyUser('b', [accessKey(1, ago(400), ago(44))])])).toEqual([
      [keyId('a', 1), 'FAIL'],
      [keyId('b', 1), 'PASS'],
    ]);
  });

  it('fails a key never used (N/A) created more than neverUsedGraceDays ago; within the grace it passes', () => {
    const [old, young, edge] = evaluate([keyUser('old', [accessKey(1, ago(8))]), keyUser('new', [accessKey(1, ago(2))]), keyUser('edge', [accessKey(1, ago(7))])]);
    expect(old).toMatchObject({ status: 'FAIL', reason: 'access key never used, created 8 days ago (grace 7 days)', evidence: { lastUsed: 'N/A', accessKeyId: keyId('old', 1) } });
    expect(young).toMatchObject({ status: 'PASS', reason: expect.stringMatching(/within the 7-day grace/) });
    expect(edge?.status).toBe('PASS');
  });

  it('ignores inactive keys, and passes a user with no credentials at all, saying so', () => {
    const findings = evaluate([keyUser('svc', [accessKey(1, ago(900), ago(800), { active: false })])]);
    expect(findings).toMatchObject([{ status: 'PASS', resourceId: 'svc', reason: 'no console password and no active access keys (1 inactive, ignored)' }]);
  });

  it('fails a console password unused for unusedDays; passes one used recently', () => {
    expect(statuses([user('a', { passwordLastUsed: date(ago(60)) }), user('b', { passwordLastUsed: date(ago(3)) })])).toEqual([['a', 'FAIL'], ['b', 'PASS']]);
  });

  it('fails a console password never used (N/A, or no_information: not since tracking began) once older than the grace', () => {
    const never = user('never', { passwordLastUsed: date(null, 'N/A'), passwordLastChanged: date(ago(30)) });
    const untracked = user('untracked', { passwordLastUsed: date(null, 'no_information'), passwordLastChanged: date(null, 'N/A'), createdAt: date('2013-01-01T00:00:00Z') });
    const fresh = user('fresh', { passwordLastUsed: date(null, 'N/A'), passwordLastChanged: date(ago(1)) });
    expect(statuses([never, untracked, fresh])).toEqual([['never', 'FAIL'], ['untracked', 'FAIL'], ['fresh', 'PASS']]);
    expect(evaluate([untracked])[0]?.reason).toMatch(/^console password not used since IAM began tracking \(October 2014\), created \d+ days ago/);
  });

  it('counts a password\'s age from when it was set, not from the user\'s creation', () => {
    const u = user('reset', { createdAt: date('2020-01-01T00:00:00Z'), passwordLastUsed: date(null, 'N/A'), passwordLastChanged: date(ago(2)) });
    expect(evaluate([u])[0]?.status).toBe('PASS');
  });

  it('is ERROR for a user whose password_enabled is neither true nor false, still judging its keys', () => {
    const odd = keyUser('odd', [accessKey(1, ago(400), ago(1))], { passwordEnabled: null });
    expect(evaluate([odd]).map((f) => [f.resourceType, f.status])).toEqual([['AWS::IAM::User', 'ERROR'], ['AWS::IAM::AccessKey', 'PASS']]);
  });

  it('is ERROR for a never-used credential whose creation time is not a date', () => {
    expect(evaluate([keyUser('x', [accessKey(1, null)])])[0]).toMatchObject({ status: 'ERROR' });
  });

  it('judges password and each key apart, for a user read one by one after the report too', () => {
    const frank = keyUser('frank', [accessKey(1, ago(20), null, { id: 'AKIAFRANK' })], { passwordEnabled: true, passwordLastUsed: date(null, 'N/A'), passwordLastChanged: date(ago(20)), createdAt: date(ago(0)) });
    const findings = evaluate([], defaults, [{ user: 'frank', arn: frank.arn, createdAt: ago(0), read: ok(frank) }]);
    expect(findings.map((f) => [f.resourceId, f.resourceType, f.status])).toEqual([
      ['frank', 'AWS::IAM::User', 'FAIL'],
      ['AKIAFRANK', 'AWS::IAM::AccessKey', 'FAIL'],
    ]);
  });

  it('reports ERROR for users missing from the report that could not be read, and for an unreadable report', () => {
    const pending = evaluate([], defaults, [{ user: 'gina', arn: 'arn:aws:iam::123456789012:user/gina', createdAt: ago(0), read: null }]);
    expect(pending).toMatchObject([{ status: 'ERROR', resourceId: 'gina' }]);
    const none = evaluateAudit(iamUnusedCredentials, buildInventory({ errors: [sourceError('iam.credentialReport', 'global', 'ReportNotReady')] }), defaults);
    expect(none).toMatchObject([{ status: 'ERROR', reason: expect.stringMatching(/ReportNotReady/) }]);
  });

  it('validates its settings: positive unusedDays, non-negative integer grace, no unknown keys', () => {
    expect(iamUnusedCredentials.settings.safeParse({ unusedDays: 0 }).success).toBe(false);
    expect(iamUnusedCredentials.settings.safeParse({ neverUsedGraceDays: -1 }).success).toBe(false);
    expect(iamUnusedCredentials.settings.safeParse({ unusedDay: 30 }).success).toBe(false);
    expect(statuses([keyUser('a', [accessKey(1, ago(400), ago(31))])], iamUnusedCredentials.settings.parse({ unusedDays: 30 }))).toEqual([[keyId('a', 1), 'FAIL']]);
  });
});
