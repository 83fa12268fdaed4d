import type { Config, StageInput } from '../config/index';

/** What one area (audits, operator, warmer, digest...) adds to the stage's serverless deployment. */
export interface DeploymentPart {
  readonly functions: Record<string, unknown>;
  readonly resources: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

export type PartBuilder = (stage: string, config: Config, raw: StageInput) => DeploymentPart;
