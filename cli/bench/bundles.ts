import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../shared/paths';
import { figure, median, type Target } from './figure';

/** The targets: the functions a person waits on (operator, warmer, deny) and the audits. */
export const BUNDLE_TARGETS = {
  light: { zip: { max: 300 }, require: { max: 100 } },
  audit: { zip: { max: 1000 }, require: { max: 300 } },
} as const satisfies Record<string, { zip: Target; require: Target }>;

/** Operator endpoints, their guard and console, and the warmer are held to the light targets; audits and the digest to the others. */
export const bundleKind = (functionKey: string): keyof typeof BUNDLE_TARGETS => (/^(operator|warmer)/.test(functionKey) ? 'light' : 'audit');

/** `serverless package --stage <stage>` into a new folder; returns it. */
export function packageStage(stage: string): string {
  const out = mkdtempSync(join(tmpdir(), `opsbots-bench-${stage}-`));
  execFileSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', out], {
    cwd: PACKAGE_ROOT,
    stdio: 'pipe',
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', OPSBOTS_ESBUILD_WORK: `.esbuild-bench-${stage}` },
  });
  return out;
}

// Timed inside the process, so Node's own start (a bare `node -e ''`) is left out; flags as deployed (NODE_OPTIONS).
const REQUIRE_SCRIPT = "const c=process.cpuUsage();const t=performance.now();require(process.argv[1]);const u=process.cpuUsage(c);console.log(JSON.stringify({ms:performance.now()-t,cpuMs:(u.user+u.system)/1000}))";

/** Median wall and CPU time to require one bundle, `runs` fresh processes one after the other. */
export function requireTime(bundle: string, runs: number): { ms: number; cpuMs: number } {
  const samples = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, ['--enable-source-maps', '-e', REQUIRE_SCRIPT, bundle], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as { ms: number; cpuMs: number });
  return { ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}

/** Size of every zip in `dir` and the time to require its bundle, each next to its target. */
export function bundleFigures(dir: string, print: (s: string) => void, runs = 5): void {
  const zips = readdirSync(dir).filter((f) => f.endsWith('.zip')).sort();
  const work = mkdtempSync(join(tmpdir(), 'opsbots-bench-unzip-'));
  try {
    for (const zip of zips) {
      const key = zip.replace(/\.zip$/, '');
      const target = BUNDLE_TARGETS[bundleKind(key)];
      print(figure(`${zip}`, statSync(join(dir, zip)).size / 1000, 'KB', target.zip));
      const into = join(work, key);
      execFileSync('unzip', ['-q', join(dir, zip), '-d', into]);
      const js = readdirSync(join(into, 'functions')).find((f) => f.endsWith('.js'));
      if (!js) throw new Error(`${zip}: no functions/*.js inside`);
      const t = requireTime(join(into, 'functions', js), runs);
      // Judged on CPU time: on an idle core it is the wall time; on a shared machine the wall time also counts waiting for a core.
      print(figure(`  require, CPU (median of ${runs}; wall ${Math.round(t.ms)} ms)`, t.cpuMs, 'ms', target.require));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `serverless package --stage prod`: every zip's size and its bundle's require time, against the targets. */
export async function benchBundles(opts: { print: (s: string) => void; runs?: number }): Promise<number> {
  const dir = packageStage('prod');
  try {
    bundleFigures(dir, opts.print, opts.runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
