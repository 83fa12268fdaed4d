import aslValidator from 'asl-validator';
import { DISCOVERY_ACTIONS } from '../../shared/org/discover';
import { normaliseOrgRun } from '../../shared/org/handlers';
import { buildDeployment } from '../../shared/deploy/template';
import { ARN_KEYS, STATES } from '../../shared/deploy/state-machine';
import { configProblem as problem } from '../builders';
import { packageStage, roleActions, type Template } from './package';

/** An organization stage with email, a remediation enabled and alarms: every kind of grant the org functions could pick up. */
const STAGE_YAML = `region: eu-west-1
regions: [eu-west-1, us-east-1]
notify:
  from: opsbots@example.com
  to: [security@example.com]
audits:
  iam-console-mfa: {}
  ec2-required-tags:
    remediation: { enabled: true }
organization:
  id: o-abc1234567
  roleName: OrgAudit
  accountConcurrency: 25
  schedule: cron(0 5 * * ? *)
  excludeOus: [ou-ab12-sand0001]
`;

type Statement = { Effect: string; Action: string[]; Resource: unknown; Condition?: unknown };
const statements = (t: Template, role: string) => (t.Resources[role]?.Properties.Policies[0].PolicyDocument.Statement as Statement[]).filter((s) => !s.Action.some((a) => a.startsWith('logs:')));
const bucket = { 'Fn::GetAtt': ['StateBucket', 'Arn'] };
const under = (pattern: string) => ({ 'Fn::Join': ['', [bucket, `/org-runs/${pattern}`]] });
const getAtt = (fn: string) => ({ 'Fn::GetAtt': [`${fn}LambdaFunction`, 'Arn'] });

describe('deploy: the organization run (packaged with `serverless package`)', () => {
  let t: Template;
  beforeAll(() => {
    t = packageStage('zzorg', STAGE_YAML);
  }, 180_000);

  it('deploys the three organization functions next to the audit functions, each with its own role', () => {
    for (const fn of ['OrgDiscover', 'OrgAccount', 'OrgAggregate', 'IamConsoleMfa', 'Ec2RequiredTags']) expect({ fn, role: t.Resources[`${fn}LambdaFunction`]?.Properties.Role }).toEqual({ fn, role: { 'Fn::GetAtt': [`${fn}Role`, 'Arn'] } });
    expect(t.Resources.OrgAccountLambdaFunction?.Properties.Timeout).toBe(900);
  });

  it('the account function may only assume the member role inside the organization and write its result: no audit or remediation action of its own', () => {
    expect(statements(t, 'OrgAccountRole')).toEqual([
      { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/OrgAudit' }, Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abc1234567' } } },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: under('*/accounts/*') },
    ]);
  });

  it('discover only reads Organizations and writes the discovery; aggregate reads the runs and sends mail', () => {
    expect(statements(t, 'OrgDiscoverRole')).toEqual([
      { Effect: 'Allow', Action: [...DISCOVERY_ACTIONS], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: under('*/discovery.json') },
    ]);
    expect(roleActions(t, 'OrgAggregateRole')).toEqual(['s3:GetObject', 's3:ListBucket', 'ses:SendEmail']);
    expect(statements(t, 'OrgAggregateRole').slice(0, 2)).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: under('*') },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucket, Condition: { StringLike: { 's3:prefix': ['org-runs/*'] } } },
    ]);
  });

  it('each function carries a config its cold start accepts, with the organization block; the account gets its whole timeout as run budget', () => {
    for (const fn of ['OrgDiscover', 'OrgAccount', 'OrgAggregate']) {
      const vars = t.Resources[`${fn}LambdaFunction`]?.Properties.Environment.Variables;
      expect(vars).toMatchObject({ OPSBOTS_STATE_BUCKET: { Ref: 'StateBucket' }, OPSBOTS_STATE_PREFIX: 'org-runs' });
      const config = normaliseOrgRun('zzorg', JSON.parse(vars.OPSBOTS_CONFIG));
      expect(config.organization).toMatchObject({ id: 'o-abc1234567', roleName: 'OrgAudit', accountConcurrency: 25 });
      expect(config.deadlines.runSeconds).toBe(fn === 'OrgAccount' ? 900 : 280);
    }
  });

  it('a Standard state machine whose role may invoke only its three functions and run its distributed Map', () => {
    const sm = t.Resources.OrgStateMachine?.Properties as Record<string, any>;
    expect(sm).toMatchObject({ StateMachineName: 'opsbots-zzorg-org', StateMachineType: 'STANDARD', RoleArn: { 'Fn::GetAtt': ['OrgStateMachineRole', 'Arn'] } });
    expect(sm.DefinitionSubstitutions).toEqual({ [ARN_KEYS.discover]: getAtt('OrgDiscover'), [ARN_KEYS.account]: getAtt('OrgAccount'), [ARN_KEYS.aggregate]: getAtt('OrgAggregate') });
    expect(sm.Definition.States[STATES.accounts]).toMatchObject({ MaxConcurrency: 25, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } });
    // What CloudFormation deploys once it fills the placeholders is valid ASL.
    const filled = JSON.parse(JSON.stringify(sm.Definition).replace(/\$\{(Org\w+Arn)\}/g, (_m, k: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${k}`));
    expect(aslValidator(filled).isValid).toBe(true);
    const role = t.Resources.OrgStateMachineRole?.Properties as Record<string, any>;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }]);
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [getAtt('OrgDiscover'), getAtt('OrgAccount'), getAtt('OrgAggregate')] },
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:opsbots-zzorg-org' } },
      { Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:opsbots-zzorg-org/*' } },
    ]);
  });

  it('a schedule starts it through a role allowed states:StartExecution on it only; failed or timed-out runs alarm', () => {
    expect(t.Resources.OrgSchedule?.Properties).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)', Targets: [{ Arn: { Ref: 'OrgStateMachine' }, RoleArn: { 'Fn::GetAtt': ['OrgScheduleRole', 'Arn'] } }] });
    expect(t.Resources.OrgScheduleRole?.Properties.Policies[0].PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'OrgStateMachine' } }]);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(t.Resources[`OrgStateMachine${metric}Alarm`]?.Properties).toMatchObject({ Namespace: 'AWS/States', MetricName: metric, Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'OrgStateMachine' } }], AlarmActions: [{ Ref: 'AlertsTopic' }] });
    }
    for (const fn of ['OrgDiscover', 'OrgAccount', 'OrgAggregate']) expect(t.Resources[`${fn}ErrorsAlarm`]?.Properties.MetricName).toBe('Errors');
  });

  it('keeps the results in the stage\'s state bucket, expiring after 30 days', () => {
    expect(t.Resources.StateBucket?.Properties.LifecycleConfiguration).toEqual({ Rules: [{ Id: 'org-runs-expire', Status: 'Enabled', Prefix: 'org-runs/', ExpirationInDays: 30 }] });
  });
});

describe('deploy: organization settings', () => {
  const base = { organization: { id: 'o-abc1234567' } };

  it('refuses to deploy the organization run without the organization id, saying where to find it', () => {
    expect(problem(() => buildDeployment('x', { organization: {} }))).toMatch(/organization\.id: required to deploy .*describe-organization/);
    expect(problem(() => buildDeployment('x', { organization: { id: 'o-ABC' } }))).toMatch(/organization\.id: an organization id/);
  });

  it('schedule: false deploys the state machine without a schedule (started by hand)', () => {
    const d = buildDeployment('x', { organization: { ...base.organization, schedule: false } });
    expect(d.resources.Resources.OrgStateMachine).toBeDefined();
    expect(d.resources.Resources.OrgSchedule).toBeUndefined();
    expect(d.resources.Resources.OrgScheduleRole).toBeUndefined();
  });

  it('sendWhen: changes lets aggregate read and write each account\'s previous findings (org-state/), with or without owner mail, nothing more', () => {
    const notify = { from: 'opsbots@example.com', to: ['security@example.com'], accountOwnerTag: 'owner' };
    const aggregate = (n: object) => statements({ Resources: buildDeployment('x', { ...base, notify: n }).resources.Resources } as Template, 'OrgAggregateRole');
    const ownerState = [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [bucket, '/org-state/*']] } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucket, Condition: { StringLike: { 's3:prefix': ['org-state/*'] } } },
    ];
    expect(aggregate({ ...notify, sendWhen: 'changes' })).toEqual(expect.arrayContaining(ownerState));
    expect(JSON.stringify(aggregate(notify))).not.toContain('org-state');
    // The organization report itself is judged per account: the same access without an owner tag.
    expect(aggregate({ ...notify, accountOwnerTag: undefined, sendWhen: 'changes' })).toEqual(expect.arrayContaining(ownerState));
    expect(JSON.stringify(aggregate({ ...notify, accountOwnerTag: undefined }))).not.toContain('org-state');
  });

  it('splitRegions deploys a state machine whose items carry their part; a stage the discover step would refuse fails to package', () => {
    const selector = (stage: Parameters<typeof buildDeployment>[1]) => (buildDeployment('x', stage).resources.Resources.OrgStateMachine as any).Properties.Definition.States[STATES.accounts].ItemSelector;
    expect(selector({ regions: ['eu-west-1'], organization: { ...base.organization, splitRegions: true } })).toMatchObject({ 'part.$': '$$.Map.Item.Value.part' });
    expect(selector(base)['part.$']).toBeUndefined();
    expect(problem(() => buildDeployment('x', { organization: { ...base.organization, splitRegions: true } }))).toMatch(/organization\.splitRegions: needs an explicit regions list/);
    expect(problem(() => buildDeployment('x', { organization: { ...base.organization, splitRegions: 'yes' } }))).toMatch(/organization\.splitRegions/);
  });

  it('a stage without an organization block deploys none of it', () => {
    const d = buildDeployment('x', {});
    expect(Object.keys(d.functions).filter((k) => k.startsWith('org'))).toEqual([]);
    expect(d.resources.Resources.OrgStateMachine).toBeUndefined();
    expect(d.resources.Resources.StateBucket).toBeUndefined();
  });
});
