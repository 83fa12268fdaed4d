import { mapLimit } from '../concurrency';
import { capture, type Outcome, type Regional } from './outcome';
import type { CollectContext } from './types';
import { readWithin } from './deadline';

/**
 * Reads one source in every resolved region, `ctx.concurrency` at a time; each region's error is kept apart,
 * and a region that has not answered within its deadline (`deadlineMs`, else the run budget's source deadline)
 * is a `Timeout` for it alone: its requests are aborted.
 */
export async function perRegion<T>(ctx: CollectContext, source: string, read: (region: string) => Promise<T>, deadlineMs?: number): Promise<Regional<T>> {
  const outcomes = await mapLimit(ctx.regions, ctx.concurrency, async (region) => {
    const outcome = await capture(source, region, () => readWithin(ctx.budget, source, region, () => read(region), deadlineMs));
    ctx.progress?.(source, region);
    return outcome;
  });
  return Object.fromEntries(ctx.regions.map((region, i) => [region, outcomes[i]]));
}

/** The regions of a regional source that were read, with their values (failed regions left to the engine's ERRORs). */
export function readRegions<T>(source: Regional<T> | undefined): { region: string; value: T }[] {
  return Object.entries(source ?? {})
    .filter((e): e is [string, Extract<Outcome<T>, { ok: true }>] => e[1].ok)
    .map(([region, o]) => ({ region, value: o.value }));
}
