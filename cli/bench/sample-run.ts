import { join } from 'node:path';
import { loadConfig, CONFIG_DIR } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';
import { SAMPLE_DIR } from '../../shared/paths';
import { statsTable } from '../output';
import { cliRun } from '../run';

/**
 * `opsbots run all --stats` on the bundled sample account (dry run, config/sample.yml): AWS requests per
 * operation and wall time per phase, so a change that adds requests shows up here.
 */
export async function benchSampleRun(opts: { print: (s: string) => void }): Promise<number> {
  const config = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
  const result = await cliRun({ config, auditIds: ['all'], dryRun: true, replayDir: SAMPLE_DIR, log: new MemoryLog() });
  opts.print(statsTable(result.clients.stats, result.report));
  return 0;
}
