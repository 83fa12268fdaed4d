import { buildDeployment } from '../../shared/deploy/template';
import { parse } from 'yaml';
import { packageStage, roleActions, type Template } from './package';

const ARN = 'arn:aws:lambda:eu-west-1:210987654321:function:billing-api';
const STAGE = `
alerts:
  enabled: true
  email: oncall@example.com
audits:
  iam-console-mfa: {}
warmer:
  enabled: true
  schedule: rate(10 minutes)
  targets:
    - { function: iamConsoleMfa, concurrency: 3 }
    - { function: iamConsoleMfa, qualifier: live }
    - { arn: "${ARN}", qualifier: prod, activeHours: "Mon-Fri 07:00-19:00 Europe/Berlin" }
    - { arn: "${ARN}:7" }
`;

const policy = (t: Template, role: string) => t.Resources[role]?.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as { Action: string[]; Resource: unknown }[];

describe('deploy: the warmer in the packaged template', () => {
  let on: Template;
  let off: Template;
  beforeAll(() => {
    on = packageStage('zzwarmeron', STAGE);
    off = packageStage('zzwarmeroff', STAGE.replace('enabled: true\n  schedule', 'enabled: false\n  schedule'));
  }, 180_000);

  it('packages exactly the functions buildDeployment lists', () => {
    const fns = Object.keys(on.Resources).filter((k) => on.Resources[k]?.Type === 'AWS::Lambda::Function').sort();
    expect(fns).toEqual(['IamConsoleMfaLambdaFunction', 'WarmerLambdaFunction']);
    expect(Object.keys(buildDeployment('zzwarmeron', parse(STAGE)).functions).sort()).toEqual(['iamConsoleMfa', 'warmer']);
  });

  it('grants lambda:InvokeFunction on exactly the target ARNs, qualified where a qualifier is set, and nothing else', () => {
    expect(roleActions(on, 'WarmerRole')).toEqual(['lambda:InvokeFunction']);
    const statements = policy(on, 'WarmerRole').filter((s) => !s.Action.every((a) => a.startsWith('logs:')));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [{ 'Fn::GetAtt': ['IamConsoleMfaLambdaFunction', 'Arn'] }, { 'Fn::Sub': '${IamConsoleMfaLambdaFunction.Arn}:live' }, `${ARN}:prod`, `${ARN}:7`],
      },
    ]);
    expect(JSON.stringify(policy(on, 'WarmerRole'))).not.toContain('"*"');
    // Every in-service reference names a resource the template really has.
    const refs = [...JSON.stringify(statements).matchAll(/"Fn::GetAtt":\["(\w+)"|\$\{(\w+)\.Arn\}/g)].map((m) => m[1] ?? m[2]);
    expect(refs.length).toBe(2);
    for (const ref of refs) expect(on.Resources[ref ?? '']?.Type).toBe('AWS::Lambda::Function');
  });

  it('schedules the warmer, alarms on its failures and never retries a failed tick', () => {
    const rule = Object.values(on.Resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.Targets).includes('WarmerLambdaFunction'));
    expect(rule?.Properties.ScheduleExpression).toBe('rate(10 minutes)');
    expect(JSON.parse(rule?.Properties.Targets[0].Input)).toEqual({ source: 'opsbots.schedule' });
    expect(on.Resources.WarmerErrorsAlarm?.Properties).toMatchObject({ MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'WarmerLambdaFunction' } }] });
    const invokeConfig = Object.values(on.Resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties.FunctionName).includes('WarmerLambdaFunction'));
    expect(invokeConfig?.Properties.MaximumRetryAttempts).toBe(0);
  });

  it('carries only its own settings in the warmer\'s environment', () => {
    const env = on.Resources.WarmerLambdaFunction?.Properties.Environment.Variables;
    expect(Object.keys(JSON.parse(env.OPSBOTS_CONFIG)).sort()).toEqual(['region', 'warmer']);
    expect(env.OPSBOTS_STAGE).toBe('zzwarmeron');
  });

  it('deploys no warmer at all where the stage disables it', () => {
    expect(Object.keys(off.Resources).filter((k) => k.startsWith('Warmer'))).toEqual([]);
    const roles = Object.keys(off.Resources).filter((k) => off.Resources[k]?.Type === 'AWS::IAM::Role');
    expect(roles.flatMap((r) => roleActions(off, r))).not.toContain('lambda:InvokeFunction');
    expect(off.Resources.IamConsoleMfaLambdaFunction).toBeDefined();
  });
});
