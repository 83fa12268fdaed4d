import type { Clients } from '../aws/clients';
import type { Log } from '../logger';
import { resolveAccount, resolveRegions } from './account';
import { collectorFor } from './index';
import type { Inventory, SourceId, Sources } from './inventory';
import type { CollectScope } from './types';
import { outcomeErrors, type SourceError } from './outcome';

export interface CollectOptions {
  readonly clients: Clients;
  readonly sources: readonly SourceId[];
  readonly regions: readonly string[] | 'all';
  readonly concurrency: number;
  /** Per-user IAM calls in flight at most (CollectContext.iamConcurrency). */
  readonly iamConcurrency?: number;
  readonly accountAlias?: string;
  readonly log: Log;
  readonly now?: Date;
  /** The audits' narrowing hints per source (see CollectScope); absent = read everything. */
  readonly scope?: Readonly<Partial<CollectScope>>;
}

/**
 * Collect once, evaluate many: each source is fetched once however many audits read it; sources run
 * concurrently, regional ones fan out per region inside their collector. Never throws for AWS errors.
 */
export async function collectInventory(opts: CollectOptions): Promise<Inventory> {
  const now = opts.now ?? new Date();
  const unique = [...new Set(opts.sources)];
  const collectors = unique.map((id) => collectorFor(id));
  const needsRegions = collectors.some((c) => c.regional);
  const [{ account, errors: accountErrors }, { regions, errors: regionErrors }] = await Promise.all([
    resolveAccount(opts.clients, opts.accountAlias),
    needsRegions ? resolveRegions(opts.clients, opts.regions) : Promise.resolve({ regions: [] as string[], errors: [] as SourceError[] }),
  ]);
  const ctx = { clients: opts.clients, account, regions, concurrency: opts.concurrency, ...(opts.iamConcurrency ? { iamConcurrency: opts.iamConcurrency } : {}), log: opts.log, now, ...(opts.scope ? { scope: opts.scope } : {}) };
  const results = await Promise.all(
    collectors.map(async (c) => {
      const started = Date.now();
      const value = await c.collect(ctx);
      const errors = outcomeErrors(value);
      opts.log.info('collected', { source: c.id, regions: c.regional ? regions.length : 0, errors: errors.length, durationMs: Date.now() - started });
      return [c.id, value] as const;
    }),
  );
  const sources: Partial<Sources> = {};
  for (const [id, value] of results) (sources as Record<string, unknown>)[id] = value;
  const errors = [...accountErrors, ...regionErrors, ...results.flatMap(([, v]) => outcomeErrors(v))];
  return { account, collectedAt: now.toISOString(), regions, sources, errors };
}
