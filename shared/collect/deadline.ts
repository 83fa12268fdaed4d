import { CollectionError } from '../errors';
import { DEFAULT_DEADLINES, duration, withDeadline, type RunBudget } from '../deadline';

/** Default time one source in one region may take: the stage's `deadlines.sourceSeconds` default. */
export const REGION_DEADLINE_MS = DEFAULT_DEADLINES.sourceSeconds * 1000;

export interface RegionalCollectorOptions {
  /** Time one region may take before it is an ERROR (`Timeout`). Default: the run budget's source deadline. */
  readonly regionDeadlineMs?: number;
}

/** A source (in one region) that did not answer in time: an ERROR naming both. */
export function sourceTimeout(source: string, region: string, ms: number): CollectionError {
  return new CollectionError(`${source} in ${region} did not answer within ${duration(ms)}`, source, region, 'Timeout');
}

/**
 * Reads one source in one region within its deadline: `ms` when given, else the run budget's source
 * deadline (which also ends when collection's share of the run is spent), else REGION_DEADLINE_MS. The SDK
 * calls inside are aborted when it passes (see withDeadline), so a black-holed endpoint or a throttling
 * storm ends as a CollectionError `Timeout` for this source and region alone.
 */
export function readWithin<T>(budget: RunBudget | undefined, source: string, region: string, read: () => Promise<T>, ms?: number): Promise<T> {
  const limit = ms ?? budget?.sourceMs() ?? REGION_DEADLINE_MS;
  return withDeadline(limit, budget?.workSignal, () => sourceTimeout(source, region, limit), read);
}
