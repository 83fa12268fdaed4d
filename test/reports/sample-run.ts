import { join } from 'node:path';
import { cliRun, type CliRunResult } from '../../cli/run';
import { loadConfig } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';

export const SAMPLE = join(__dirname, '../../sample');
export const SAMPLE_CONFIG = join(__dirname, '../../config/sample.yml');

/** A dry run of every audit on the bundled sample account with config/sample.yml: real output to check outputs against. */
export async function sampleRun(): Promise<CliRunResult> {
  const config = loadConfig({ stage: 'sample', file: SAMPLE_CONFIG });
  return cliRun({ config, auditIds: ['all'], dryRun: true, replayDir: SAMPLE, log: new MemoryLog() });
}
