import { AUDITS, readActions } from '../audits/index';
import type { Config, StageInput } from '../config/index';
import { auditRunShape } from '../config/audit-run';
import { functionKey, logicalPrefix } from './names';
import { roleName, roleResource, type Statement } from './iam';
import type { DeploymentPart } from './part';
import { stateEnvironment, stateStatements, usesState } from './state';
import { securityHubStatements, webhookStatements } from './sinks';
import type { Audit } from '../audits/types';
import type { AuditConfig } from '../config/index';
import type { Remediation } from '../actions/types';

/** The write actions a remediation needs with the stage's settings (all it declares unless it narrows them). */
export function remediationActions(action: Remediation, settings: Readonly<Record<string, unknown>>): readonly string[] {
  return action.iamActionsFor ? action.iamActionsFor(settings) : action.iamActions;
}

/** SES permission for the notifier: send only, from identities in the SES region. */
export function sesStatement(config: Config): Statement | null {
  if (!config.notify) return null;
  const region = config.notify.sesRegion ?? config.region;
  return { Effect: 'Allow', Action: ['ses:SendEmail'], Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ses:${region}:\${AWS::AccountId}:identity/*` } };
}

/**
 * The stage config an audit function carries in OPSBOTS_CONFIG: the sections it validates at cold start
 * (config/audit-run.ts) with only its own audits; no other function's settings (operator, warmer, alerts...).
 */
export function functionConfig(raw: StageInput, auditIds: readonly string[]): string {
  const audits = Object.fromEntries(Object.entries(raw.audits ?? {}).filter(([id]) => auditIds.includes(id)));
  const own = Object.fromEntries(Object.entries(raw).filter(([key]) => Object.hasOwn(auditRunShape, key)));
  return JSON.stringify({ ...own, audits });
}

/** One alarm to the alerts topic: the metric's Sum of 1 or more in 5 minutes. */
export function sumAlarm(logicalId: string, description: string, namespace: string, metric: string, dimension: { Name: string; Value: unknown }): Record<string, unknown> {
  return {
    [logicalId]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: description,
        Namespace: namespace,
        MetricName: metric,
        Dimensions: [dimension],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlertsTopic' }],
      },
    },
  };
}

export function alarm(key: string): Record<string, unknown> {
  return sumAlarm(`${logicalPrefix(key)}ErrorsAlarm`, `opsbots ${key} failed: see its CloudWatch logs`, 'AWS/Lambda', 'Errors', { Name: 'FunctionName', Value: { Ref: `${logicalPrefix(key)}LambdaFunction` } });
}

/** An audit's statements: its declared read actions, and its write actions only where the stage enables its remediation. */
export function auditStatements(audit: Audit, ac: AuditConfig): Statement[] {
  const statements: Statement[] = [{ Effect: 'Allow', Action: readActions(audit), Resource: '*' }];
  if (audit.action && ac.remediation) statements.push({ Effect: 'Allow', Action: [...remediationActions(audit.action, ac.remediation)].sort(), Resource: '*' });
  return statements;
}

/** What every notifying function adds: SES sending, its own state prefix where the stage uses `sendWhen: changes`, Security Hub and the webhooks' parameters where the stage has them. */
export function notifierAccess(config: Config, key: string): { statements: Statement[]; environment: Record<string, unknown> } {
  const ses = sesStatement(config);
  const state = usesState(config);
  return { statements: [...(ses ? [ses] : []), ...(state ? stateStatements(key) : []), ...securityHubStatements(config), ...webhookStatements(config)], environment: state ? stateEnvironment(key) : {} };
}

/**
 * One function per deployed audit with its own role (declared read actions; write actions only where the
 * stage enables the remediation), its schedule, and an Errors alarm to the alerts topic.
 */
export function auditFunctions(stage: string, config: Config, raw: StageInput): DeploymentPart {
  const functions: Record<string, unknown> = {};
  const resources: Record<string, unknown> = {};
  const alarms = config.alerts.enabled;
  for (const audit of AUDITS) {
    const ac = config.audits[audit.id];
    if (!ac?.deployed) continue;
    const key = functionKey(audit.id);
    const access = notifierAccess(config, key);
    Object.assign(resources, roleResource(stage, key, [...auditStatements(audit, ac), ...access.statements]));
    // With a digest, the digest owns the one schedule; each audit's function stays for runs by hand.
    const schedule = config.digest ? false : ac.schedule;
    functions[key] = {
      handler: `functions/${audit.id}.handler`,
      description: `opsbots audit ${audit.id}: ${audit.title}`,
      role: roleName(key),
      environment: { OPSBOTS_STAGE: stage, OPSBOTS_CONFIG: functionConfig(raw, [audit.id]), ...access.environment },
      events: schedule === false ? [] : [{ schedule: { rate: [schedule], input: { source: 'opsbots.schedule' } } }],
    };
    if (alarms && schedule !== false) Object.assign(resources, alarm(key));
  }
  return { functions, resources };
}
