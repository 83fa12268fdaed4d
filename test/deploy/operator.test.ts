import { spawnSync } from 'node:child_process';
import { packageStage, roleActions, ROOT, SLS_BIN, slsEnv, tempStage, type Template } from './package';
import { operatorStageYaml, STAGING } from '../operator/fixtures';
import { OPERATOR_DEADLINES } from '../../shared/operator/deadline';
import { GUARD_BUDGET_MS } from '../../shared/operator/guard';

const STAGE_YAML = operatorStageYaml({
  targets: {
    staging: { ...STAGING, maxRunHours: 10, notify: { from: 'bots@example.com', to: ['client@example.com'] } },
    qa: { instanceId: 'i-0fedcba9876543210', region: 'us-east-1', tokenParameter: 'qa-token' },
  },
  throttle: { rate: 2, burst: 4 },
});

type Stmt = { Action: string[]; Resource: unknown; Condition?: unknown };
const statements = (t: Template, role: string) => (t.Resources[role]?.Properties.Policies[0].PolicyDocument.Statement as Stmt[]).filter((s) => !s.Action[0]?.startsWith('logs:'));
const sub = (s: string) => ({ 'Fn::Sub': s });
const STAGING_ARN = sub('arn:${AWS::Partition}:ec2:eu-central-1:${AWS::AccountId}:instance/i-0123456789abcdef0');
const STAGING_PARAM = sub('arn:${AWS::Partition}:ssm:eu-west-1:${AWS::AccountId}:parameter/opsbots/staging/token');

describe('deploy: operator endpoints in the packaged template', () => {
  let t: Template;
  beforeAll(() => {
    t = packageStage('zzoperator', STAGE_YAML);
  }, 120_000);

  it('gives every operator function its own role', () => {
    const fns = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(fns.map(([id]) => id).sort()).toEqual(['OperatorConsole', 'OperatorDeny', 'OperatorGuard', 'OperatorQaStart', 'OperatorQaState', 'OperatorQaStop', 'OperatorStagingStart', 'OperatorStagingState', 'OperatorStagingStop'].map((k) => `${k}LambdaFunction`));
    for (const [id, fn] of fns) expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [id.replace(/LambdaFunction$/, 'Role'), 'Arn'] });
  });

  it('grants start exactly StartInstances on its one instance, Describe, and its one token parameter', () => {
    expect(roleActions(t, 'OperatorStagingStartRole')).toEqual(['ec2:DescribeInstances', 'ec2:StartInstances', 'kms:Decrypt', 'ssm:GetParameter']);
    expect(statements(t, 'OperatorStagingStartRole')).toEqual([
      { Effect: 'Allow', Action: ['ec2:StartInstances'], Resource: STAGING_ARN },
      { Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: STAGING_PARAM },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: sub('arn:${AWS::Partition}:kms:eu-west-1:${AWS::AccountId}:key/*'),
        Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com', 'kms:EncryptionContext:PARAMETER_ARN': STAGING_PARAM } },
      },
    ]);
  });

  it('grants stop only StopInstances, state neither, and scopes each target to its own instance and parameter', () => {
    expect(roleActions(t, 'OperatorStagingStopRole')).toEqual(['ec2:DescribeInstances', 'ec2:StopInstances', 'kms:Decrypt', 'ssm:GetParameter']);
    expect(roleActions(t, 'OperatorStagingStateRole')).toEqual(['ec2:DescribeInstances', 'kms:Decrypt', 'ssm:GetParameter']);
    const qa = JSON.stringify(t.Resources.OperatorQaStartRole);
    expect(qa).toContain('ec2:us-east-1:${AWS::AccountId}:instance/i-0fedcba9876543210');
    expect(qa).toContain(':parameter/qa-token');
    expect(qa).not.toContain('i-0123456789abcdef0');
    expect(qa).not.toContain('staging');
  });

  it('gives each endpoint function and the guard more time than they wait on AWS, so a slow call ends in a 502 or a failure, not a Lambda timeout', () => {
    const { callMs, connectMs, requestMs } = OPERATOR_DEADLINES;
    const endpoints = Object.entries(t.Resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && /^Operator\w+(Start|Stop|State)LambdaFunction$|^OperatorDenyLambdaFunction$/.test(id));
    expect(endpoints).toHaveLength(7);
    // A second for the cold start and the answer after the deadline has fired.
    for (const [, fn] of endpoints) expect(fn.Properties.Timeout * 1000).toBeGreaterThanOrEqual(callMs + 1_000);
    expect(connectMs + requestMs).toBeLessThan(callMs);
    expect(t.Resources.OperatorGuardLambdaFunction?.Properties.Timeout * 1000).toBeGreaterThanOrEqual(GUARD_BUDGET_MS + 10_000);
  });

  it('gives the catch-all and the console page no AWS permission at all', () => {
    expect(roleActions(t, 'OperatorDenyRole')).toEqual([]);
    expect(roleActions(t, 'OperatorConsoleRole')).toEqual([]);
  });

  it('lets the guard stop only guarded instances and send mail', () => {
    expect(roleActions(t, 'OperatorGuardRole')).toEqual(['ec2:DescribeInstances', 'ec2:StopInstances', 'ses:SendEmail']);
    expect(statements(t, 'OperatorGuardRole')[0]).toEqual({ Effect: 'Allow', Action: ['ec2:StopInstances'], Resource: [STAGING_ARN] });
    expect(t.Resources.OperatorGuardEventsRuleSchedule1?.Properties.ScheduleExpression).toBe('rate(15 minutes)');
  });

  it('routes each target literally and every other name to the catch-all', () => {
    const routes = Object.values(t.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey as string).sort();
    expect(routes).toEqual([
      'GET /instances/qa', 'GET /instances/staging', 'GET /instances/{target}', 'GET /instances/{target}/console',
      'POST /instances/qa/start', 'POST /instances/qa/stop', 'POST /instances/staging/start', 'POST /instances/staging/stop',
      'POST /instances/{target}/start', 'POST /instances/{target}/stop',
    ]);
  });

  it('throttles the HTTP API stage with the stage settings', () => {
    expect(t.Resources.HttpApiStage?.Properties).toMatchObject({ StageName: '$default', DefaultRouteSettings: { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 4 } });
  });

  it('holds only the token parameter name: no parameter value, no SSM resource, no dynamic reference', () => {
    const text = JSON.stringify(t);
    expect(text).toContain('/opsbots/staging/token');
    expect(text).not.toMatch(/resolve:ssm|SecureString|"WithDecryption"/);
    expect(Object.values(t.Resources).some((r) => r.Type.startsWith('AWS::SSM::'))).toBe(false);
    const config = JSON.parse(t.Resources.OperatorStagingStartLambdaFunction?.Properties.Environment.Variables.OPSBOTS_CONFIG);
    expect(config.operator.targets).toEqual({ staging: expect.objectContaining({ tokenParameter: '/opsbots/staging/token' }) });
  });

  it('refuses to package a stage file that carries a token value', () => {
    const stage = tempStage('zzoperatortoken', STAGE_YAML.replace('maxRunHours: 10', 'token: tok-should-never-deploy'));
    try {
      const run = spawnSync(process.execPath, [SLS_BIN, 'print', '--stage', 'zzoperatortoken'], { cwd: ROOT, encoding: 'utf8', env: slsEnv('zzoperatortoken', stage.env) });
      expect(run.status).not.toBe(0);
      expect(run.stdout + run.stderr).toContain('operator.targets.staging.token: unknown key');
    } finally {
      stage.dispose();
    }
  }, 60_000);
});
