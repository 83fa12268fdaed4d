import type { Config, StageInput } from '../config/index';
import { ConfigError } from '../errors';
import { memberAudits } from '../org/audits';
import { DISCOVERY_ACTIONS } from '../org/discover';
import { planParts } from '../org/parts';
import { ORG_RUNS_PREFIX } from '../org/handlers/runtime';
import { OWNER_STATE_PREFIX } from '../org/store';
import { alarm, functionConfig, sesStatement, sumAlarm } from './audits';
import { roleName, roleResource, SERVICE, serviceRole, type Statement } from './iam';
import { logicalPrefix } from './names';
import type { DeploymentPart } from './part';
import { webhookStatements } from './sinks';
import { STATE_BUCKET, stateStatements, usesState } from './state';
import { ARN_KEYS, ARN_PLACEHOLDERS, orgDefinition } from './state-machine';

/** Function keys of the three organization Lambdas (`serverless invoke -f orgDiscover`...). */
export const ORG_KEYS = { discover: 'orgDiscover', account: 'orgAccount', aggregate: 'orgAggregate' } as const;
export const STATE_MACHINE = 'OrgStateMachine';

/** The longest a Lambda may run: an account's audit gets it all (its run budget ends a few seconds before). */
export const ACCOUNT_TIMEOUT_SECONDS = 900;

export const stateMachineName = (stage: string): string => `${SERVICE}-${stage}-org`;

const bucketArn = { 'Fn::GetAtt': [STATE_BUCKET, 'Arn'] };
const objects = (pattern: string) => ({ 'Fn::Join': ['', [bucketArn, `/${ORG_RUNS_PREFIX}/${pattern}`]] });
const functionArn = (key: string) => ({ 'Fn::GetAtt': [`${logicalPrefix(key)}LambdaFunction`, 'Arn'] });

/**
 * Each organization Lambda's statements (besides its logs). Discover reads Organizations and writes the
 * discovery; the account Lambda may only assume the member role in accounts of this organization and write
 * its result (remediation runs with the member role, so it has no write action of its own); the aggregate
 * reads the run's objects and delivers like any audit function.
 */
export function orgStatements(config: Config, orgId: string, roleNameInMembers: string): Record<keyof typeof ORG_KEYS, Statement[]> {
  const ses = sesStatement(config);
  return {
    discover: [
      { Effect: 'Allow', Action: [...DISCOVERY_ACTIONS], Resource: '*' }, // Organizations reads have no narrower resource for ListAccounts
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: objects('*/discovery.json') },
    ],
    account: [
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${roleNameInMembers}` },
        Condition: { StringEquals: { 'aws:ResourceOrgID': orgId } },
      },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: objects('*/accounts/*') },
    ],
    aggregate: [
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: objects('*') },
      // Without ListBucket S3 answers a missing result with AccessDenied, not NoSuchKey.
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArn, Condition: { StringLike: { 's3:prefix': [`${ORG_RUNS_PREFIX}/*`] } } },
      // No Security Hub action: each member's findings are imported by its account step with the member role.
      ...(ses ? [ses] : []),
      // sendWhen: changes judges the organization report (and owner mail) on each account's previous findings (shared/org/changes.ts).
      ...(usesState(config) ? stateStatements(OWNER_STATE_PREFIX) : []),
      ...webhookStatements(config),
    ],
  };
}

/** The state machine may invoke its three functions and run (describe, stop) its distributed Map's child executions. */
export function stateMachineStatements(stage: string): Statement[] {
  const name = stateMachineName(stage);
  return [
    { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: Object.values(ORG_KEYS).map(functionArn) },
    { Effect: 'Allow', Action: ['states:StartExecution'], Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${name}` } },
    { Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${name}/*` } },
  ];
}

function stateMachineAlarm(metric: 'ExecutionsFailed' | 'ExecutionsTimedOut'): Record<string, unknown> {
  return sumAlarm(`${STATE_MACHINE}${metric}Alarm`, `opsbots organization run: ${metric} (no organization report was sent: see the execution's history)`, 'AWS/States', metric, { Name: 'StateMachineArn', Value: { Ref: STATE_MACHINE } });
}

/**
 * A stage with an `organization` block: the discover, account and aggregate Lambdas (each its own role), the
 * Step Functions Standard state machine chaining them (shared/deploy/state-machine.ts), its role, the
 * EventBridge schedule starting it (a role allowed states:StartExecution on it only), and alarms. Results go
 * to the stage's state bucket under `org-runs/<runId>/`. Needs `organization.id` (the AssumeRole condition).
 */
export function organizationPart(stage: string, config: Config, raw: StageInput): DeploymentPart {
  const org = config.organization;
  if (!org) return { functions: {}, resources: {} };
  if (!org.id) {
    throw new ConfigError(`invalid config for stage ${stage}: organization.id: required to deploy the organization run (the account function may assume ${org.roleName} only in accounts of this organization); find it with: aws organizations describe-organization --query Organization.Id`, [{ field: 'organization.id', message: 'required to deploy' }]);
  }
  const audits = memberAudits(config);
  const ids = audits.map((a) => a.id);
  // A stage the discover step would refuse on every run fails here, at package time.
  planParts({ audits, regions: config.regions, splitRegions: org.splitRegions, configured: config.audits });
  const own = { ...(JSON.parse(functionConfig(raw, ids)) as Record<string, unknown>), organization: raw.organization };
  const environment = (extra: Record<string, unknown> = {}) => ({
    OPSBOTS_STAGE: stage,
    OPSBOTS_CONFIG: JSON.stringify({ ...own, ...extra }),
    OPSBOTS_STATE_BUCKET: { Ref: STATE_BUCKET },
    OPSBOTS_STATE_PREFIX: ORG_RUNS_PREFIX,
  });
  // An account's audit may use the account function's whole timeout unless the stage sets its own run budget.
  const accountDeadlines = { deadlines: { ...raw.deadlines, runSeconds: raw.deadlines?.runSeconds ?? ACCOUNT_TIMEOUT_SECONDS } };
  const statements = orgStatements(config, org.id, org.roleName);
  const spec = {
    discover: { timeout: 300, memorySize: 512, description: 'opsbots organization run: discovers the accounts in scope' },
    account: { timeout: ACCOUNT_TIMEOUT_SECONDS, memorySize: 1024, description: `opsbots organization run: audits one member account (${ids.join(', ')})` },
    aggregate: { timeout: 900, memorySize: 1024, description: 'opsbots organization run: one report for the organization, delivered' },
  } as const;
  const functions: Record<string, unknown> = {};
  const resources: Record<string, unknown> = {};
  for (const step of ['discover', 'account', 'aggregate'] as const) {
    const key = ORG_KEYS[step];
    Object.assign(resources, roleResource(stage, key, statements[step]));
    // The state machine retries and catches: an asynchronous retry by Lambda itself would run the step twice.
    functions[key] = { handler: `functions/org-${step}.handler`, role: roleName(key), maximumRetryAttempts: 0, environment: environment(step === 'account' ? accountDeadlines : {}), ...spec[step] };
    if (config.alerts.enabled) Object.assign(resources, alarm(key));
  }
  resources[`${STATE_MACHINE}Role`] = serviceRole('states', `${SERVICE}-${stage}-org-state-machine`, stateMachineStatements(stage));
  resources[STATE_MACHINE] = {
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: {
      StateMachineName: stateMachineName(stage),
      StateMachineType: 'STANDARD',
      RoleArn: { 'Fn::GetAtt': [`${STATE_MACHINE}Role`, 'Arn'] },
      Definition: orgDefinition({ arns: ARN_PLACEHOLDERS, accountConcurrency: org.accountConcurrency, splitRegions: org.splitRegions }),
      DefinitionSubstitutions: { [ARN_KEYS.discover]: functionArn(ORG_KEYS.discover), [ARN_KEYS.account]: functionArn(ORG_KEYS.account), [ARN_KEYS.aggregate]: functionArn(ORG_KEYS.aggregate) },
    },
  };
  if (org.schedule !== false) {
    resources.OrgScheduleRole = serviceRole('events', `${SERVICE}-${stage}-org-schedule`, [{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: STATE_MACHINE } }]);
    resources.OrgSchedule = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `opsbots ${stage}: starts the organization run`,
        ScheduleExpression: org.schedule,
        State: 'ENABLED',
        Targets: [{ Id: 'opsbots-org-run', Arn: { Ref: STATE_MACHINE }, RoleArn: { 'Fn::GetAtt': ['OrgScheduleRole', 'Arn'] }, Input: JSON.stringify({ source: 'opsbots.schedule' }) }],
      },
    };
  }
  if (config.alerts.enabled) Object.assign(resources, stateMachineAlarm('ExecutionsFailed'), stateMachineAlarm('ExecutionsTimedOut'));
  return {
    functions,
    resources,
    outputs: { OrgStateMachineArn: { Description: 'opsbots organization run: aws stepfunctions start-execution --state-machine-arn <this>', Value: { Ref: STATE_MACHINE } } },
  };
}
