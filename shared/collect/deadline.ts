import { CollectionError } from '../errors';

/** Default time one region may take to answer one source: well inside the Lambda's 300 s. */
export const REGION_DEADLINE_MS = 120_000;

export interface RegionalCollectorOptions {
  /** Time one region may take before it is an ERROR (`RegionTimeout`). Default 120 s. */
  readonly regionDeadlineMs?: number;
}

/**
 * Rejects with a CollectionError `RegionTimeout` when `work` has not settled after `ms`, so one region that
 * hangs (a black-holed endpoint; the SDK sets no request timeout by default) becomes an ERROR for that
 * region instead of holding the whole run until the Lambda is killed. The request itself is left to finish.
 */
export async function withDeadline<T>(ms: number, source: string, region: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CollectionError(`${source} in ${region} did not answer within ${Math.round(ms / 1000)} s`, source, region, 'RegionTimeout')), ms);
  });
  try {
    return await Promise.race([work(), expired]);
  } finally {
    clearTimeout(timer);
  }
}
