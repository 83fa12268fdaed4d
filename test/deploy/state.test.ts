import { AUDITS, readActions } from '../../shared/audits/index';
import { buildDeployment } from '../../shared/deploy/template';
import { packageStage, roleActions, type Template } from './package';

const STAGE_YAML = `notify:
  from: opsbots@example.com
  to: [security@example.com]
  sendWhen: changes
  sesRegion: eu-west-1
digest:
  schedule: cron(0 7 * * ? *)
  to: [digest@example.com]
audits:
  iam-console-mfa:
    schedule: rate(1 day)
`;

type Statement = { Action: string[]; Resource: unknown; Condition?: unknown };
const statements = (t: Template, role: string) => t.Resources[role]?.Properties.Policies[0].PolicyDocument.Statement as Statement[];
const s3Statements = (t: Template, role: string) => statements(t, role).filter((s) => s.Action.some((a) => a.startsWith('s3:')));

describe('deploy: state bucket and digest (sendWhen: changes, digest)', () => {
  let t: Template;
  beforeAll(() => {
    t = packageStage('zzdigest', STAGE_YAML);
  }, 120_000);

  it('creates one private, encrypted, TLS-only state bucket for the stage', () => {
    const buckets = Object.values(t.Resources).filter((r) => r.Type === 'AWS::S3::Bucket' && JSON.stringify(r).includes('PublicAccessBlockConfiguration'));
    expect(buckets).toHaveLength(1);
    expect(t.Resources.StateBucket?.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(t.Resources.StateBucket?.Properties.BucketEncryption).toBeDefined();
    expect(t.Resources.StateBucketPolicy?.Properties.PolicyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('lets each function read and write only its own key prefix, and list only that prefix', () => {
    for (const [role, key] of [['IamConsoleMfaRole', 'iamConsoleMfa'], ['DigestRole', 'digest']] as const) {
      expect(s3Statements(t, role)).toEqual([
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StateBucket', 'Arn'] }, `/${key}/*`]] } },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': ['StateBucket', 'Arn'] }, Condition: { StringLike: { 's3:prefix': [`${key}/*`] } } },
      ]);
    }
  });

  it('points each function at the bucket and its own prefix', () => {
    expect(t.Resources.IamConsoleMfaLambdaFunction?.Properties.Environment.Variables).toMatchObject({ OPSBOTS_STATE_BUCKET: { Ref: 'StateBucket' }, OPSBOTS_STATE_PREFIX: 'iamConsoleMfa' });
    expect(t.Resources.DigestLambdaFunction?.Properties.Environment.Variables).toMatchObject({ OPSBOTS_STATE_BUCKET: { Ref: 'StateBucket' }, OPSBOTS_STATE_PREFIX: 'digest' });
  });

  it('deploys one digest on the one schedule; the audits\' own schedules are off', () => {
    const rules = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    expect(rules.map(([id, r]) => [id, r.Properties.ScheduleExpression])).toEqual([['DigestEventsRuleSchedule1', 'cron(0 7 * * ? *)']]);
    expect(t.Resources.IamConsoleMfaLambdaFunction).toBeDefined();
    expect(t.Resources.DigestErrorsAlarm?.Properties.MetricName).toBe('Errors');
    expect(JSON.parse(t.Resources.DigestLambdaFunction?.Properties.Environment.Variables.OPSBOTS_CONFIG).digest.to).toEqual(['digest@example.com']);
  });

  it('grants the digest exactly the deployed audits\' read actions, SES in the SES region and its state prefix', () => {
    const deployed = AUDITS.filter((a) => a.id === 'iam-console-mfa');
    const expected = [...new Set([...deployed.flatMap(readActions), 'ses:SendEmail', 's3:GetObject', 's3:PutObject', 's3:ListBucket'])].sort();
    expect(roleActions(t, 'DigestRole')).toEqual(expected);
    const ses = statements(t, 'DigestRole').find((s) => s.Action.includes('ses:SendEmail'));
    expect(JSON.stringify(ses?.Resource)).toContain(':ses:eu-west-1:');
  });
});

describe('deploy: no state, no digest by default', () => {
  it('creates no bucket and grants no S3 action where no stage asks for changes', () => {
    const d = buildDeployment('x', { notify: { from: 'a@example.com', to: ['b@example.com'] }, audits: { 'iam-console-mfa': {} } });
    expect(Object.keys(d.resources.Resources).filter((k) => k.startsWith('State'))).toEqual([]);
    expect(JSON.stringify(d.resources.Resources)).not.toContain('s3:');
    expect(Object.keys(d.functions)).toEqual(['iamConsoleMfa']);
  });

  it('refuses a digest with no audit deployed', () => {
    expect(() => buildDeployment('x', { notify: { from: 'a@example.com', to: ['b@example.com'] }, digest: {} })).toThrow('stage x: digest is set but no audit is deployed');
  });
});
