import type { Config, StageInput } from '../config/index';
import type { Target } from '../operator/config';
import type { ChangeAction } from '../operator/transitions';
import { alarm } from './audits';
import { functionKey } from './names';
import { roleName, roleResource, secureParameterStatements, type Statement } from './iam';
import type { DeploymentPart } from './part';

/** Lambda timeout for the HTTP functions: API Gateway gives up after 30 s anyway. */
const HTTP_TIMEOUT_SECONDS = 15;

export function instanceArn(t: Target): unknown {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:ec2:${t.region}:\${AWS::AccountId}:instance/${t.instanceId}` };
}

const DESCRIBE: Statement = { Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' }; // no resource-level permission exists

/** The target's token: see secureParameterStatements. */
export function tokenStatements(t: Target, region: string): Statement[] {
  return secureParameterStatements(t.tokenParameter, region);
}

const CHANGE_ACTION: Record<ChangeAction, string> = { start: 'ec2:StartInstances', stop: 'ec2:StopInstances' };

/**
 * The config a function carries: the deploy region, SDK attempts and the stage's operator settings with only
 * the `targets` it serves. No audits, recipients, exemptions or warmer: nothing it does not use travels.
 */
export function operatorFunctionConfig(raw: StageInput, targetNames: readonly string[]): string {
  const targets = Object.fromEntries(Object.entries(raw.operator?.targets ?? {}).filter(([n]) => targetNames.includes(n)));
  const { region, maxAttempts } = raw;
  return JSON.stringify({ region, maxAttempts, operator: { ...raw.operator, targets } });
}

const routePath = (name: string) => `/instances/${name}`;

/**
 * Per target: start, stop and state functions, each with its own role scoped to that one instance and
 * that one token parameter, on literal routes. A catch-all function with no AWS permission answers names
 * that are not targets (the same 401), one serves the console page, and the guard runs on a schedule when
 * a target has maxRunHours. The HTTP API stage is throttled (operator.throttle). Nothing when no target.
 */
export function operatorFunctions(stage: string, config: Config, raw: StageInput): DeploymentPart {
  const names = Object.keys(config.operator.targets);
  if (names.length === 0) return { functions: {}, resources: {} };
  const functions: Record<string, unknown> = {};
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  const http = (key: string, handler: string, description: string, statements: Statement[], targetNames: readonly string[], events: { method: string; path: string }[]) => {
    Object.assign(resources, roleResource(stage, key, statements));
    functions[key] = {
      handler: `functions/${handler}.handler`,
      description,
      role: roleName(key),
      timeout: HTTP_TIMEOUT_SECONDS,
      memorySize: 256,
      environment: { OPSBOTS_STAGE: stage, OPSBOTS_CONFIG: operatorFunctionConfig(raw, targetNames) },
      events: events.map((httpApi) => ({ httpApi })),
    };
  };
  for (const [name, t] of Object.entries(config.operator.targets)) {
    const token = tokenStatements(t, config.region);
    for (const action of ['start', 'stop'] as const) {
      const statements: Statement[] = [{ Effect: 'Allow', Action: [CHANGE_ACTION[action]], Resource: instanceArn(t) }, DESCRIBE, ...token];
      http(functionKey(`operator-${name}-${action}`), `operator-${action}`, `opsbots operator: ${action} ${name} (${t.instanceId})`, statements, [name], [{ method: 'POST', path: `${routePath(name)}/${action}` }]);
    }
    http(functionKey(`operator-${name}-state`), 'operator-state', `opsbots operator: state of ${name} (${t.instanceId})`, [DESCRIBE, ...token], [name], [{ method: 'GET', path: routePath(name) }]);
    outputs[`Operator${functionKey(`-${name}`)}ConsoleUrl`] = { Description: `Start/stop page for ${name}`, Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }, `${routePath(name)}/console`]] } };
  }
  http('operatorDeny', 'operator-deny', 'opsbots operator: answers names that are not targets (401)', [], [], [
    { method: 'POST', path: '/instances/{target}/start' },
    { method: 'POST', path: '/instances/{target}/stop' },
    { method: 'GET', path: '/instances/{target}' },
  ]);
  http('operatorConsole', 'operator-console', 'opsbots operator: the start/stop web page', [], [], [{ method: 'GET', path: '/instances/{target}/console' }]);
  // serverless has no httpApi throttling setting; a same-id resource is deep-merged into the stage it generates.
  resources.HttpApiStage = {
    Type: 'AWS::ApiGatewayV2::Stage',
    Properties: { DefaultRouteSettings: { ThrottlingRateLimit: config.operator.throttle.rate, ThrottlingBurstLimit: config.operator.throttle.burst } },
  };
  Object.assign(resources, guardFunction(stage, config, raw, functions));
  return { functions, resources, outputs };
}

function guardFunction(stage: string, config: Config, raw: StageInput, functions: Record<string, unknown>): Record<string, unknown> {
  const guarded = Object.entries(config.operator.targets).filter(([, t]) => t.maxRunHours !== undefined);
  if (guarded.length === 0) return {};
  const key = 'operatorGuard';
  const statements: Statement[] = [{ Effect: 'Allow', Action: ['ec2:StopInstances'], Resource: guarded.map(([, t]) => instanceArn(t)) }, DESCRIBE];
  const sesRegions = [...new Set(guarded.flatMap(([, t]) => (t.notify ? [t.notify.sesRegion ?? config.region] : [])))];
  if (sesRegions.length > 0) statements.push({ Effect: 'Allow', Action: ['ses:SendEmail'], Resource: sesRegions.map((r) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ses:${r}:\${AWS::AccountId}:identity/*` })) });
  functions[key] = {
    handler: 'functions/operator-guard.handler',
    description: 'opsbots operator guard: stops targets running past their maxRunHours',
    role: roleName(key),
    timeout: 120,
    environment: { OPSBOTS_STAGE: stage, OPSBOTS_CONFIG: operatorFunctionConfig(raw, guarded.map(([n]) => n)) },
    events: [{ schedule: { rate: [config.operator.guard.schedule], input: { source: 'opsbots.schedule' } } }],
  };
  return { ...roleResource(stage, key, statements), ...(config.alerts.enabled ? alarm(key) : {}) };
}
