import { iamAccessKeyAge } from '../../shared/audits/iam-access-key-age';
import { evaluateAudit } from '../../shared/evaluate';
import { ok } from '../../shared/collect/outcome';
import { accessKey, buildConfig, buildInventory, identitySources, keyId, keyUser, rootUser, sourceError, user } from '../builders';
import type { CredentialUser } from '../../shared/collect/credential-report';

const defaults = iamAccessKeyAge.settings.parse({});
const evaluate = (users: CredentialUser[], settings: Record<string, unknown> = defaults, missing: Parameters<typeof identitySources>[1] = []) =>
  evaluateAudit(iamAccessKeyAge, buildInventory({ users, sources: identitySources(users, missing) }), settings);
const ago = (days: number, extraMs = 0) => new Date(Date.parse('2026-11-20T08:00:00Z') - days * 86_400_000 - extraMs).toISOString();

describe('audit: iam-access-key-age', () => {
  it('fails an active key older than maxAgeDays, naming the key id under the user ARN', () => {
    const [f] = evaluate([keyUser('ci', [accessKey(1, ago(91))])]);
    expect(f).toMatchObject({ status: 'FAIL', resource: 'arn:aws:iam::123456789012:user/ci', resourceId: keyId('ci', 1), resourceType: 'AWS::IAM::AccessKey', evidence: { ageDays: 91, userName: 'ci', accessKeyId: keyId('ci', 1) } });
  });

  it('counts "older than" in whole days like AWS Config: 90 days (and a second) is not more than 90, 91 is', () => {
    const statuses = evaluate([keyUser('a', [accessKey(1, ago(90))]), keyUser('b', [accessKey(1, ago(90, 1000))]), keyUser('c', [accessKey(1, ago(91))])]).map((f) => f.status);
    expect(statuses).toEqual(['WARN', 'WARN', 'FAIL']);
  });

  it('warns an active key older than warnAgeDays, passes a younger one', () => {
    expect(evaluate([keyUser('a', [accessKey(1, ago(81))])])[0]?.status).toBe('WARN');
    expect(evaluate([keyUser('a', [accessKey(1, ago(80))])])[0]?.status).toBe('PASS');
  });

  it('ignores inactive keys, saying so', () => {
    const findings = evaluate([keyUser('old', [accessKey(1, ago(900), null, { active: false })])]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'PASS', resourceId: 'old', reason: 'no active access keys (1 inactive, ignored)' });
  });

  it('warns a user with two active keys, besides judging each key', () => {
    const findings = evaluate([keyUser('bob', [accessKey(1, ago(10)), accessKey(2, ago(5))])]);
    expect(findings.map((f) => [f.status, f.resourceType])).toEqual([['WARN', 'AWS::IAM::User'], ['PASS', 'AWS::IAM::AccessKey'], ['PASS', 'AWS::IAM::AccessKey']]);
  });

  it('is ERROR for an active key whose creation time is not a date (N/A), never PASS', () => {
    expect(evaluate([keyUser('x', [accessKey(1, null)])])[0]).toMatchObject({ status: 'ERROR', reason: expect.stringMatching(/"N\/A", not a date/) });
  });

  it('names a key by its report slot when ListAccessKeys was not read for its user', () => {
    const users = [keyUser('bob', [accessKey(1, ago(200))])];
    const sources = { ...identitySources(users), 'iam.accessKeys': ok({ byUser: {} }) };
    const [f] = evaluateAudit(iamAccessKeyAge, buildInventory({ users, sources }), defaults);
    expect(f).toMatchObject({ status: 'FAIL', resourceId: 'bob:access_key_1', evidence: { accessKeyId: null } });
  });

  it('judges the keys of a user created after the report from its individual reads', () => {
    const frank = keyUser('frank', [accessKey(1, ago(0), null, { id: 'AKIAFRANK' })], { createdAt: { at: ago(0), raw: '' } });
    const findings = evaluate([], defaults, [{ user: 'frank', arn: frank.arn, createdAt: ago(0), read: ok(frank) }]);
    expect(findings).toMatchObject([{ status: 'PASS', resourceId: 'AKIAFRANK' }]);
  });

  it('ignores the root row, and gives a clear PASS without IAM users', () => {
    expect(evaluate([rootUser({ accessKeys: [accessKey(1, ago(900)), accessKey(2, null, null, { active: false })] })])).toMatchObject([{ status: 'PASS', reason: 'no IAM users' }]);
  });

  it('turns an unreadable credential report into an ERROR', () => {
    const findings = evaluateAudit(iamAccessKeyAge, buildInventory({ errors: [sourceError('iam.credentialReport', 'global')] }), defaults);
    expect(findings.map((f) => f.status)).toEqual(['ERROR']);
  });

  it('takes its thresholds from settings and validates them: positive integers, warn below max', () => {
    expect(evaluate([user('u', { accessKeys: [accessKey(1, ago(31)), accessKey(2, null, null, { active: false })] })], iamAccessKeyAge.settings.parse({ maxAgeDays: 30, warnAgeDays: 20 }))[0]?.status).toBe('FAIL');
    expect(iamAccessKeyAge.settings.safeParse({ maxAgeDays: 0 }).success).toBe(false);
    expect(iamAccessKeyAge.settings.safeParse({ maxAgeDays: 90.5 }).success).toBe(false);
    expect(() => buildConfig({ audits: { 'iam-access-key-age': { settings: { maxAgeDays: 60, warnAgeDays: 60 } } } })).toThrow(/audits\.iam-access-key-age\.settings\.warnAgeDays: must be less than maxAgeDays/);
  });
});
