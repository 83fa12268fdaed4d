import type { Clients } from '../aws/clients';
import type { Log } from '../logger';
import { resolveAccount } from './account';
import { ConfigError } from '../errors';
import type { Collector } from './types';
import { REGION_SOURCE } from './regional-sources';
import type { Inventory, SourceId, Sources } from './inventory';
import type { CollectScope } from './types';
import { failed, outcomeErrors, type SourceError } from './outcome';
import { readWithin } from './deadline';
import type { RunBudget } from '../deadline';
import { GLOBAL_REGION } from '../model';

/** Collectors by the source they fill: the whole registry (collect/index.ts) or a function's own. */
export type CollectorSet = { readonly [K in SourceId]?: Collector<K> };

export interface CollectOptions {
  readonly clients: Clients;
  readonly regions: readonly string[] | 'all';
  readonly concurrency: number;
  /** Per-user IAM calls in flight at most (CollectContext.iamConcurrency). */
  readonly iamConcurrency?: number;
  readonly accountAlias?: string;
  readonly log: Log;
  readonly now?: Date;
  /** The audits' narrowing hints per source (see CollectScope); absent = read everything. */
  readonly scope?: Readonly<Partial<CollectScope>>;
  /** The run's time budget: every source (global or per region) gets a deadline from it. */
  readonly budget?: RunBudget;
  /** Told after each global source, and each region of a regional one, is read (the CLI's progress line). */
  readonly onProgress?: (progress: CollectProgress) => void;
}

/** Sources and regions read so far of all the run reads (known once the regions are resolved). */
export interface CollectProgress {
  readonly done: number;
  readonly total: number;
  readonly source: string;
  readonly region: string;
}

/** A lookup's errors when it did not finish: the one error naming `source` (a Timeout, usually). */
function errorOf(source: string, error: unknown): SourceError[] {
  const out = failed(source, GLOBAL_REGION, error);
  return out.ok ? [] : [out.error];
}

/** The collector of `id` in `set`; a function wired without one of its audits' sources is a deploy bug, said by name. */
export function collectorIn<K extends SourceId>(set: CollectorSet, id: K): Collector<K> {
  const c = set[id] as Collector<K> | undefined;
  if (!c) throw new ConfigError(`no collector for source ${id} in this function (has: ${Object.keys(set).join(', ') || 'none'})`, [{ field: 'sources', message: `no collector for ${id}` }]);
  return c;
}

/** Counts ticks once per source and region, so a collector's own ticks and the closing ones never count twice. */
function progressCounter(report: (p: CollectProgress) => void, total: number) {
  const seen = new Set<string>();
  const tick = (source: string, region: string) => {
    const key = `${source}@${region}`;
    if (seen.has(key)) return;
    seen.add(key);
    report({ done: seen.size, total, source, region });
  };
  return { tick, finish: (source: string, regions: readonly string[]) => regions.forEach((r) => tick(source, r)) };
}

/**
 * Collect once, evaluate many: each source is fetched once however many audits read it; sources run
 * concurrently, regional ones fan out per region inside their collector. Never throws for AWS errors.
 */
export async function collectFrom(set: CollectorSet, sources: readonly SourceId[], opts: CollectOptions): Promise<Inventory> {
  const now = opts.now ?? new Date();
  const collectors = [...new Set(sources)].map((id) => collectorIn(set, id));
  const resolver = collectors.map((c) => c.regional).find((r) => r !== false);
  const budget = opts.budget;
  const [{ account, errors: accountErrors }, { regions, errors: regionErrors }] = await Promise.all([
    readWithin(budget, 'sts.callerIdentity', GLOBAL_REGION, () => resolveAccount(opts.clients, opts.accountAlias)).catch((e: unknown) => ({ account: { id: 'unknown', partition: 'aws' }, errors: errorOf('sts.callerIdentity', e) })),
    resolver
      ? readWithin(budget, REGION_SOURCE, GLOBAL_REGION, () => resolver(opts.clients, opts.regions)).catch((e: unknown) => ({ regions: [] as string[], errors: errorOf(REGION_SOURCE, e) }))
      : Promise.resolve({ regions: [] as string[], errors: [] as SourceError[] }),
  ]);
  const progress = opts.onProgress ? progressCounter(opts.onProgress, collectors.reduce((n, c) => n + (c.regional ? regions.length : 1), 0)) : undefined;
  const ctx = { clients: opts.clients, account, regions, concurrency: opts.concurrency, ...(opts.iamConcurrency ? { iamConcurrency: opts.iamConcurrency } : {}), log: opts.log, now, ...(opts.scope ? { scope: opts.scope } : {}), ...(budget ? { budget } : {}), ...(progress ? { progress: progress.tick } : {}) };
  const results = await Promise.all(
    collectors.map(async (c) => {
      const started = Date.now();
      // A regional collector gives each region its own deadline (perRegion); a global source gets one here.
      const value = c.regional ? await c.collect(ctx) : await readWithin(budget, c.id, GLOBAL_REGION, () => c.collect(ctx)).catch((e: unknown) => failed(c.id, GLOBAL_REGION, e) as Awaited<ReturnType<typeof c.collect>>);
      // A regional collector ticks per region (perRegion); what it did not tick (a collector reading regions its own way) is done now.
      progress?.finish(c.id, c.regional ? regions : [GLOBAL_REGION]);
      const errors = outcomeErrors(value);
      opts.log.info('collected', { source: c.id, regions: c.regional ? regions.length : 0, errors: errors.length, durationMs: Date.now() - started });
      return [c.id, value] as const;
    }),
  );
  const read: Partial<Sources> = {};
  for (const [id, value] of results) (read as Record<string, unknown>)[id] = value;
  const errors = [...accountErrors, ...regionErrors, ...results.flatMap(([, v]) => outcomeErrors(v))];
  return { account, collectedAt: now.toISOString(), regions, sources: read, errors };
}
