import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CLI_BIN, CONFIG_DIR, PACKAGE_ROOT, SAMPLE_DIR } from '../../shared/paths';
import { figure, median } from './figure';

export const CLI_TARGETS = { help: { max: 0.3 }, sampleRun: { max: 1 } } as const;

/** Wall time of one `opsbots ...` process, start to exit, in seconds (whatever its exit code). */
function timed(args: readonly string[]): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => execFile(process.execPath, [CLI_BIN, ...args], { cwd: PACKAGE_ROOT }, () => resolve((performance.now() - start) / 1000)));
}

async function medianOf(runs: number, args: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(args)); // one at a time: they would compete for the CPU
  return median(times);
}

/** Start-up of the compiled command as a person sees it: `--help`, and `run all` on the bundled sample. */
export async function benchCliStart(opts: { print: (s: string) => void; runs?: number }): Promise<number> {
  const runs = opts.runs ?? 3;
  opts.print(figure(`opsbots --help (median of ${runs})`, await medianOf(runs, ['--help']), 's', CLI_TARGETS.help));
  const sample = ['run', 'all', '--replay', SAMPLE_DIR, '--config', join(CONFIG_DIR, 'sample.yml'), '--dry-run'];
  opts.print(figure(`opsbots run all on the sample, dry run (median of ${runs})`, await medianOf(runs, sample), 's', CLI_TARGETS.sampleRun));
  return 0;
}
