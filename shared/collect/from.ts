import type { Clients } from '../aws/clients';
import type { Log } from '../logger';
import { resolveAccount } from './account';
import { ConfigError } from '../errors';
import type { Collector } from './types';
import type { Inventory, SourceId, Sources } from './inventory';
import type { CollectScope } from './types';
import { outcomeErrors, type SourceError } from './outcome';

/** Collectors by the source they fill: the whole registry (collect/index.ts) or a function's own. */
export type CollectorSet = { readonly [K in SourceId]?: Collector<K> };

export interface CollectOptions {
  readonly clients: Clients;
  readonly regions: readonly string[] | 'all';
  readonly concurrency: number;
  readonly accountAlias?: string;
  readonly log: Log;
  readonly now?: Date;
  /** The audits' narrowing hints per source (see CollectScope); absent = read everything. */
  readonly scope?: Readonly<Partial<CollectScope>>;
}

/** The collector of `id` in `set`; a function wired without one of its audits' sources is a deploy bug, said by name. */
export function collectorIn<K extends SourceId>(set: CollectorSet, id: K): Collector<K> {
  const c = set[id] as Collector<K> | undefined;
  if (!c) throw new ConfigError(`no collector for source ${id} in this function (has: ${Object.keys(set).join(', ') || 'none'})`, [{ field: 'sources', message: `no collector for ${id}` }]);
  return c;
}

/**
 * Collect once, evaluate many: each source is fetched once however many audits read it; sources run
 * concurrently, regional ones fan out per region inside their collector. Never throws for AWS errors.
 */
export async function collectFrom(set: CollectorSet, sources: readonly SourceId[], opts: CollectOptions): Promise<Inventory> {
  const now = opts.now ?? new Date();
  const collectors = [...new Set(sources)].map((id) => collectorIn(set, id));
  const resolver = collectors.map((c) => c.regional).find((r) => r !== false);
  const [{ account, errors: accountErrors }, { regions, errors: regionErrors }] = await Promise.all([
    resolveAccount(opts.clients, opts.accountAlias),
    resolver ? resolver(opts.clients, opts.regions) : Promise.resolve({ regions: [] as string[], errors: [] as SourceError[] }),
  ]);
  const ctx = { clients: opts.clients, account, regions, concurrency: opts.concurrency, log: opts.log, now, ...(opts.scope ? { scope: opts.scope } : {}) };
  const results = await Promise.all(
    collectors.map(async (c) => {
      const started = Date.now();
      const value = await c.collect(ctx);
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
