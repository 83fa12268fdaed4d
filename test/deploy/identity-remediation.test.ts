import { getAudit, readActions } from '../../shared/audits/index';
import { packageStage, roleActions, type Template } from './package';

const STAGE = `alerts:
  enabled: false
audits:
  iam-root-mfa: {}
  iam-access-key-age:
    remediation: { enabled: true, maxActions: 5 }
  iam-unused-credentials:
    remediation: { enabled: false, maxActions: 5 }
`;

describe('deploy: identity audits and key deactivation', () => {
  let t: Template;
  beforeAll(() => {
    t = packageStage('zzidentity', STAGE);
  }, 120_000);

  it('grants iam:UpdateAccessKey only to the function whose stage enables the remediation', () => {
    expect(roleActions(t, 'IamAccessKeyAgeRole')).toEqual([...readActions(getAudit('iam-access-key-age')!), 'iam:UpdateAccessKey'].sort());
    expect(roleActions(t, 'IamUnusedCredentialsRole')).toEqual(readActions(getAudit('iam-unused-credentials')!));
    expect(roleActions(t, 'IamUnusedCredentialsRole')).not.toContain('iam:UpdateAccessKey');
    expect(roleActions(t, 'IamRootMfaRole')).toEqual(readActions(getAudit('iam-root-mfa')!));
  });

  it('never grants deleting keys, and the root audit reads only the credential report', () => {
    const all = ['IamAccessKeyAgeRole', 'IamUnusedCredentialsRole', 'IamRootMfaRole'].flatMap((r) => roleActions(t, r));
    expect(all.filter((a) => /Delete|Create/.test(a))).toEqual([]);
    expect(roleActions(t, 'IamRootMfaRole')).toEqual(['iam:GenerateCredentialReport', 'iam:GetCredentialReport', 'iam:ListAccountAliases']);
  });

  it('declares the per-user reads of the cross-check for the key audits', () => {
    expect(roleActions(t, 'IamUnusedCredentialsRole')).toEqual(expect.arrayContaining(['iam:ListUsers', 'iam:ListAccessKeys', 'iam:GetLoginProfile', 'iam:ListMFADevices', 'iam:GetAccessKeyLastUsed']));
  });
});
