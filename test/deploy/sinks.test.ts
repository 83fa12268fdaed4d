import { AUDITS, readActions } from '../../shared/audits/index';
import { buildDeployment } from '../../shared/deploy/template';
import { packageStage, roleActions, type Template } from './package';

const STAGE_YAML = `region: eu-west-1
notify:
  from: opsbots@example.com
  to: [security@example.com]
  webhooks:
    - { kind: slack, urlParameter: /opsbots/zzsinks/slack-webhook }
    - { kind: teams, urlParameter: /opsbots/zzsinks/teams-webhook }
securityHub:
  enabled: true
  region: eu-central-1
audits:
  iam-console-mfa:
    schedule: rate(1 day)
`;

type Statement = { Action: string[]; Resource: unknown; Condition?: unknown };
const statements = (t: Template, role: string) => t.Resources[role]?.Properties.Policies[0].PolicyDocument.Statement as Statement[];
const granting = (t: Template, role: string, prefix: string) => statements(t, role).filter((s) => s.Action.some((a) => a.startsWith(prefix)));

describe('deploy: Security Hub and chat webhooks only where the stage has them', () => {
  let t: Template;
  beforeAll(() => {
    t = packageStage('zzsinks', STAGE_YAML);
  }, 120_000);

  it('grants BatchImportFindings on the account\'s own product and GetFindings on the hub, in the Security Hub region', () => {
    expect(granting(t, 'IamConsoleMfaRole', 'securityhub:')).toEqual([
      { Effect: 'Allow', Action: ['securityhub:BatchImportFindings'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:eu-central-1:${AWS::AccountId}:product/${AWS::AccountId}/default' } },
      { Effect: 'Allow', Action: ['securityhub:GetFindings'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:eu-central-1:${AWS::AccountId}:hub/default' } },
    ]);
  });

  it('grants GetParameter on exactly the webhook parameters, and Decrypt only through SSM for them', () => {
    const ssm = granting(t, 'IamConsoleMfaRole', 'ssm:');
    expect(ssm.map((s) => s.Resource)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:eu-west-1:${AWS::AccountId}:parameter/opsbots/zzsinks/slack-webhook' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:eu-west-1:${AWS::AccountId}:parameter/opsbots/zzsinks/teams-webhook' },
    ]);
    const kms = granting(t, 'IamConsoleMfaRole', 'kms:');
    expect(kms).toHaveLength(2);
    for (const s of kms) expect(s.Condition).toMatchObject({ StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } });
  });

  it('grants the audit role nothing else: its reads, SES, Security Hub and the parameters', () => {
    const audit = AUDITS.find((a) => a.id === 'iam-console-mfa');
    const expected = [...new Set([...(audit ? readActions(audit) : []), 'ses:SendEmail', 'securityhub:BatchImportFindings', 'securityhub:GetFindings', 'ssm:GetParameter', 'kms:Decrypt'])].sort();
    expect(roleActions(t, 'IamConsoleMfaRole')).toEqual(expected);
  });

  it('carries parameter names, never a URL, in the template', () => {
    const text = JSON.stringify(t);
    expect(text).toContain('/opsbots/zzsinks/slack-webhook');
    expect(text).not.toMatch(/https:\/\/hooks\.|webhook\.office\.com/);
  });

  it('a stage without them (dev, prod) grants no Security Hub or SSM action to any role', () => {
    for (const stage of ['dev', 'prod']) {
      const text = JSON.stringify(buildDeployment(stage));
      expect({ stage, securityHub: text.includes('securityhub:'), ssm: /ssm:GetParameter.*webhook/.test(text) }).toEqual({ stage, securityHub: false, ssm: false });
    }
  });
});
