import { partition } from '@aws-sdk/core/client';

/**
 * Whether the AWS SDK installed here knows `region` in its partition (the SDK's bundled partitions data, the
 * same that resolves endpoints). A name of the right shape that the SDK does not know (`eu-west-99`) is
 * rejected: a typo would otherwise only fail at run time as an unreachable region. A region AWS launched after
 * this SDK release is rejected too, with the way out: update the SDK.
 */
export function unknownRegionProblem(region: string): string | undefined {
  const p = partition(region) as { name: string; description?: string };
  if (p.description !== undefined) return undefined;
  return `"${region}" is not a region of the ${p.name} partition that this AWS SDK knows; if AWS launched it after this SDK was released, update the SDK (npm update) and try again`;
}
