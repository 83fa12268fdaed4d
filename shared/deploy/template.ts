import { normalise, type StageInput } from '../config/index';
import { readStageFile, stageFile } from '../config/load';
import { auditFunctions } from './audits';
import { operatorFunctions } from './operator';
import { warmerPart } from './warmer';
import { ConfigError } from '../errors';
import { SERVICE } from './iam';
import type { PartBuilder } from './part';
import { stateBucket } from './state';
import { digestFunction } from './digest';
import { organizationPart } from './organization';
import { applySizing } from './lambda';

export interface Deployment {
  readonly region: string;
  readonly functions: Record<string, unknown>;
  readonly resources: { Resources: Record<string, unknown>; Outputs?: Record<string, unknown> };
}

/** Every area's contribution; adding one = one module + one line here. */
export const PARTS: readonly PartBuilder[] = [auditFunctions, operatorFunctions, stateBucket, digestFunction, organizationPart, warmerPart];

/**
 * Everything serverless.yml deploys for a stage, generated from the registry and config/<stage>.yml.
 * The alerts topic exists when alarms are on; each part adds its functions, roles and alarms.
 */
export function buildDeployment(stage: string, rawInput?: unknown): Deployment {
  const raw = (rawInput ?? readStageFile(stageFile(stage))) as StageInput;
  const config = normalise(stage, raw);
  const functions: Record<string, unknown> = {};
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  const references: { field: string; functionKey: string }[] = [];
  for (const part of PARTS) {
    const p = part(stage, config, raw);
    references.push(...(p.references ?? []));
    for (const key of Object.keys(p.functions)) if (key in functions) throw new Error(`two parts define function ${key}`);
    Object.assign(functions, p.functions);
    Object.assign(resources, p.resources);
    Object.assign(outputs, p.outputs ?? {});
  }
  for (const ref of references) {
    if (!(ref.functionKey in functions)) {
      const known = Object.keys(functions).join(', ') || 'none';
      throw new ConfigError(`invalid config for stage ${stage}: ${ref.field}: no function "${ref.functionKey}" in this stage (deployed: ${known})`, [{ field: ref.field, message: 'unknown function' }]);
    }
  }
  applySizing(stage, config.lambda, functions);
  if (config.alerts.enabled) {
    resources.AlertsTopic = {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: `${SERVICE}-${stage}-alerts`,
        ...(config.alerts.email ? { Subscription: [{ Protocol: 'email', Endpoint: config.alerts.email }] } : {}),
      },
    };
  }
  return { region: config.region, functions, resources: { Resources: resources, ...(Object.keys(outputs).length > 0 ? { Outputs: outputs } : {}) } };
}
