import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Clients } from '../shared/aws/clients';
import { AUDITS } from '../shared/audits/index';
import { collectInventory } from '../shared/collect/run';
import type { Config } from '../shared/config/index';
import type { Log } from '../shared/logger';
import type { SourceId } from '../shared/collect/inventory';
import type { SourceError } from '../shared/collect/outcome';

/**
 * Records every read call the registered audits' collectors make (responses redacted of secrets) into
 * `dir`, in the layout `--replay` reads. Returns the number of operations recorded and the sources and
 * regions that answered an error (recorded too: a replay reports them the same way).
 */
export async function record(opts: { config: Config; dir: string; regions?: readonly string[]; log: Log }): Promise<{ operations: number; errors: readonly SourceError[] }> {
  mkdirSync(opts.dir, { recursive: true });
  const clients = new Clients({ maxAttempts: opts.config.maxAttempts, recordDir: opts.dir, defaultRegion: opts.config.region });
  const sources = [...new Set(AUDITS.flatMap((a) => a.sources))] as SourceId[];
  const now = new Date();
  const inventory = await collectInventory({ clients, sources, regions: opts.regions ?? opts.config.regions, concurrency: opts.config.concurrency, iamConcurrency: opts.config.iamConcurrency, accountAlias: opts.config.account.alias, log: opts.log, now });
  writeFileSync(join(opts.dir, 'meta.json'), `${JSON.stringify({ description: 'opsbots recording', recordedAt: now.toISOString(), account: inventory.account.id }, null, 2)}\n`);
  return { operations: clients.stats.rows().length, errors: inventory.errors };
}
