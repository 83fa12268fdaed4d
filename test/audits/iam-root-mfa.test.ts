import { iamRootMfa } from '../../shared/audits/iam-root-mfa';
import { evaluateAudit } from '../../shared/evaluate';
import { accessKey, buildInventory, rootUser, sourceError, user } from '../builders';

const evaluate = (parts: Parameters<typeof buildInventory>[0]) => evaluateAudit(iamRootMfa, buildInventory(parts), {});

describe('audit: iam-root-mfa', () => {
  it('passes a root user with MFA and no active access keys', () => {
    const findings = evaluate({ users: [rootUser({ mfaActive: true }), user('bob')] });
    expect(findings.map((f) => [f.status, f.reason])).toEqual([
      ['PASS', 'root user has an MFA device'],
      ['PASS', 'root user has no active access keys'],
    ]);
    expect(findings[0]).toMatchObject({ resource: 'arn:aws:iam::123456789012:root', resourceType: 'AWS::::Account', region: 'global' });
  });

  it('fails a root user without MFA as critical', () => {
    expect(evaluate({ users: [rootUser({ mfaActive: false })] })[0]).toMatchObject({ status: 'FAIL', severity: 'critical', reason: 'root user has no MFA device' });
  });

  it('fails each active root access key as critical, naming its slot; inactive ones are not findings', () => {
    const root = rootUser({ accessKeys: [accessKey(1, '2019-03-02T10:00:00Z', '2024-02-10T11:00:00Z', { active: false }), accessKey(2, '2020-01-01T00:00:00Z')] });
    const keys = evaluate({ users: [root] }).filter((f) => f.resourceType === 'AWS::IAM::AccessKey');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ status: 'FAIL', severity: 'critical', resourceId: '<root_account>:access_key_2', evidence: { created: '2020-01-01T00:00:00.000Z', lastUsed: 'N/A' } });
  });

  it('is ERROR, not PASS, when the report has no <root_account> row', () => {
    const findings = evaluate({ users: [user('bob')] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'ERROR', reason: expect.stringMatching(/no <root_account> row/) });
  });

  it('is ERROR when the credential report could not be read (AccessDenied on GetCredentialReport)', () => {
    const findings = evaluate({ errors: [sourceError('iam.credentialReport', 'global')] });
    expect(findings.map((f) => f.status)).toEqual(['ERROR']);
  });

  it('reads only the credential report (no ListUsers: root is not an IAM user)', () => {
    expect(iamRootMfa.sources).toEqual(['iam.credentialReport']);
  });
});
