import type { Config, StageInput } from '../config/index';
import { ConfigError } from '../errors';
import { parseLambdaArn } from '../warmer/config';
import { alarm } from './audits';
import { roleName, roleResource } from './iam';
import { logicalPrefix } from './names';
import type { DeploymentPart } from './part';

/** The warmer's function key (`serverless invoke -f warmer`). */
export const WARMER_KEY = 'warmer';

/** The longest a Lambda may run; the warmer's own timeout never exceeds it. */
const LAMBDA_MAX_TIMEOUT_S = 900;

/**
 * What the warmer may invoke: each target's ARN, qualified where a qualifier is set (IAM matches an
 * unqualified ARN to unqualified calls only). In-service targets go through GetAtt / Fn::Sub on the
 * function's own resource, so the grant follows the deployed name.
 */
export function warmerResources(config: Config): unknown[] {
  return config.warmer.targets.map((t) => {
    if (t.function !== undefined) {
      const fn = `${logicalPrefix(t.function)}LambdaFunction`;
      return t.qualifier ? { 'Fn::Sub': `\${${fn}.Arn}:${t.qualifier}` } : { 'Fn::GetAtt': [fn, 'Arn'] };
    }
    const arn = parseLambdaArn(t.arn ?? '');
    return t.qualifier && arn ? `${arn.unqualified}:${t.qualifier}` : t.arn;
  });
}

/**
 * The warmer function, only where the stage enables it: its schedule, a role with lambda:InvokeFunction on
 * exactly the targets and nothing else, an Errors alarm (a tick with any failed invocation fails), and no
 * async retries (a retried tick would warm twice). Its function targets are checked against every part's
 * functions by buildDeployment.
 */
export function warmerPart(stage: string, config: Config, raw: StageInput): DeploymentPart {
  const w = config.warmer;
  if (!w.enabled) return { functions: {}, resources: {} };
  const references = w.targets.flatMap((t, i) => (t.function === undefined ? [] : [{ field: `warmer.targets.${i}.function`, functionKey: t.function }]));
  const self = references.find((r) => r.functionKey === WARMER_KEY);
  if (self) throw new ConfigError(`invalid config for stage ${stage}: ${self.field}: the warmer does not warm itself`, [{ field: self.field, message: 'the warmer itself' }]);
  const resources: Record<string, unknown> = roleResource(stage, WARMER_KEY, [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: warmerResources(config) }]);
  if (config.alerts.enabled) Object.assign(resources, alarm(WARMER_KEY));
  const functions = {
    [WARMER_KEY]: {
      handler: 'functions/warmer.handler',
      description: `opsbots warmer: keeps ${w.targets.length} target(s) warm on ${w.schedule}`,
      role: roleName(WARMER_KEY),
      memorySize: 256,
      // Each wave of calls lasts at most timeoutMs and there are never more waves than targets.
      timeout: Math.min(LAMBDA_MAX_TIMEOUT_S, Math.ceil((w.targets.length * w.timeoutMs) / 1000) + 10),
      maximumRetryAttempts: 0,
      // Only its own settings: no other function's configuration travels with the warmer.
      environment: { OPSBOTS_STAGE: stage, OPSBOTS_CONFIG: JSON.stringify({ region: config.region, warmer: raw.warmer }) },
      events: [{ schedule: { rate: [w.schedule], input: { source: 'opsbots.schedule' } } }],
    },
  };
  return { functions, resources, references };
}
