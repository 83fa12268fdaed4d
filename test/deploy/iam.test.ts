import { AUDITS, readActions } from '../../shared/audits/index';
import { functionKey, logicalPrefix } from '../../shared/deploy/names';
import { packageStage, roleActions, type Template } from './package';

const WRITE = /:(Update|Delete|Put|Create|Stop|Start|Terminate|Revoke|Authorize|Modify|Attach|Detach|Tag|Untag|Remove|Add|Set|Invoke)/;

describe('deploy: least privilege in the packaged template', () => {
  let dev: Template;
  beforeAll(() => {
    dev = packageStage('dev');
  }, 120_000);

  it('gives every function its own role', () => {
    const fns = Object.entries(dev.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(fns.length).toBeGreaterThan(0);
    const roles = fns.map(([, r]) => JSON.stringify(r.Properties.Role));
    expect(new Set(roles).size).toBe(fns.length);
  });

  it('grants each audit function exactly the actions its audit declares, no * and no write action', () => {
    for (const audit of AUDITS) {
      const key = logicalPrefix(functionKey(audit.id));
      if (!dev.Resources[`${key}LambdaFunction`]) continue;
      const granted = roleActions(dev, `${key}Role`);
      const expected = [...readActions(audit), ...(JSON.stringify(dev).includes('ses:SendEmail') ? ['ses:SendEmail'] : [])].sort();
      expect({ audit: audit.id, granted }).toEqual({ audit: audit.id, granted: expected });
      expect(granted.some((a) => a.includes('*'))).toBe(false);
      expect(granted.filter((a) => a !== 'ses:SendEmail' && WRITE.test(a))).toEqual([]);
    }
  });

  it('scopes logs to the function\'s own log group and SES sending to the stage\'s SES region', () => {
    const role = dev.Resources.IamConsoleMfaRole?.Properties.Policies[0].PolicyDocument.Statement as { Action: string[]; Resource: any }[];
    const logs = role.find((s) => s.Action.includes('logs:PutLogEvents'));
    expect(JSON.stringify(logs?.Resource)).toContain('/aws/lambda/opsbots-dev-iamConsoleMfa:*');
    const ses = role.find((s) => s.Action.includes('ses:SendEmail'));
    expect(JSON.stringify(ses?.Resource)).toContain(':ses:us-east-1:');
  });

  it('schedules each audit and alarms on its Errors metric to the alerts topic with the stage address', () => {
    expect(dev.Resources.IamConsoleMfaEventsRuleSchedule1?.Properties.ScheduleExpression).toBe('rate(1 day)');
    expect(JSON.parse(dev.Resources.IamConsoleMfaEventsRuleSchedule1?.Properties.Targets[0].Input)).toEqual({ source: 'opsbots.schedule' });
    expect(dev.Resources.IamConsoleMfaErrorsAlarm?.Properties).toMatchObject({ MetricName: 'Errors', AlarmActions: [{ Ref: 'AlertsTopic' }] });
    expect(dev.Resources.AlertsTopic?.Properties.Subscription).toEqual([{ Protocol: 'email', Endpoint: 'ops-dev@example.com' }]);
  });

  it('gives every scheduled function an Errors alarm on itself', () => {
    const scheduled = Object.keys(dev.Resources).filter((id) => /EventsRuleSchedule\d+$/.test(id) && dev.Resources[id]?.Type === 'AWS::Events::Rule').map((id) => id.replace(/EventsRuleSchedule\d+$/, ''));
    expect(scheduled.length).toBeGreaterThanOrEqual(AUDITS.length);
    for (const prefix of new Set(scheduled)) {
      expect({ prefix, alarm: dev.Resources[`${prefix}ErrorsAlarm`]?.Properties }).toMatchObject({ prefix, alarm: { MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${prefix}LambdaFunction` } }], AlarmActions: [{ Ref: 'AlertsTopic' }] } });
    }
  });

  it('deploys no schedule and no alarm where the stage turns them off', () => {
    const t = packageStage('zzunscheduled', 'alerts:\n  enabled: false\naudits:\n  iam-console-mfa:\n    schedule: false\n');
    expect(t.Resources.IamConsoleMfaLambdaFunction).toBeDefined();
    expect(Object.values(t.Resources).filter((r) => r.Type === 'AWS::Events::Rule' || r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::SNS::Topic')).toEqual([]);
    expect(roleActions(t, 'IamConsoleMfaRole')).not.toContain('ses:SendEmail');
  }, 120_000);
});
