import { SERVICE } from '../deploy/iam';
import { deployedName } from '../deploy/names';
import type { ActiveHours } from './active-hours';
import { parseLambdaArn, targetLabel, type WarmerConfig } from './config';

/** One target resolved to what Lambda's Invoke needs. */
export interface PlannedTarget {
  readonly label: string;
  /** The deployed function name (in-service) or the unqualified ARN. */
  readonly functionName: string;
  /** Where to call Invoke: an ARN's own region (Lambda does not invoke across regions), else the deploy region. */
  readonly region: string;
  readonly qualifier?: string;
  readonly concurrency: number;
  readonly activeHours?: ActiveHours;
}

/** Resolves the stage's targets: `function: KEY` -> `opsbots-<stage>-KEY` in `region`; ARNs keep their own region and qualifier. */
export function planTargets(warmer: WarmerConfig, stage: string, region: string): PlannedTarget[] {
  return warmer.targets.map((t) => {
    const arn = t.arn ? parseLambdaArn(t.arn) : null;
    const qualifier = t.qualifier ?? arn?.qualifier;
    return {
      label: targetLabel(t),
      functionName: arn ? arn.unqualified : deployedName(SERVICE, stage, t.function ?? ''),
      region: arn ? arn.region : region,
      ...(qualifier ? { qualifier } : {}),
      concurrency: t.concurrency,
      ...(t.activeHours ? { activeHours: t.activeHours } : {}),
    };
  });
}
