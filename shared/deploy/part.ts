import type { Config, StageInput } from '../config/index';

/** What one area (audits, operator, warmer, digest...) adds to the stage's serverless deployment. */
export interface DeploymentPart {
  readonly functions: Record<string, unknown>;
  readonly resources: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  /**
   * Function keys this part points at (the warmer's targets), checked against every part's functions once
   * all are built, so parts need no order; `field` names the stage setting in the error.
   */
  readonly references?: readonly { readonly field: string; readonly functionKey: string }[];
}

export type PartBuilder = (stage: string, config: Config, raw: StageInput) => DeploymentPart;
