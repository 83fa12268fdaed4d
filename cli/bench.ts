import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { CLI_BIN, PACKAGE_ROOT } from '../shared/paths';
import { buildAsDeployed } from './bench/as-deployed';
import { figure, peakRssMiB, type Target } from './bench/figure';
import { lambdaHeapFlags, REFERENCE_ENV, sampleAuditMemoryMb } from './bench/lambda-heap';

export interface BenchOptions {
  readonly users: readonly number[];
  readonly print: (s: string) => void;
}

export interface Scenario {
  /** Names it on the command line: `opsbots bench --scenario <id>`. */
  readonly id: string;
  readonly title: string;
  readonly run: (o: BenchOptions) => Promise<unknown>;
  /** The process's peak RSS is held to this (the scenario runs alone in its process). */
  readonly peakRss?: Target;
  /**
   * Runs as a deployed audit function would: its module cli/bench/<id>-main.ts built as serverless.yml builds
   * a function, started with the functions' NODE_OPTIONS under the heap limits Lambda gives its memorySize
   * (targets judged there), then again with node's own heap sizing, printed for reference without targets.
   */
  readonly asDeployed?: true;
}

/**
 * Every area's benchmark; adding one = one module under cli/bench/ + one line here. Each imports its module
 * when it runs, so a scenario's process holds only what that scenario uses.
 */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'cli', title: 'CLI start-up (compiled)', run: async (o) => (await import('./bench/cli-start')).benchCliStart(o) },
  { id: 'bundles', title: 'function bundles of `serverless package --stage prod`: zip size, time to require', run: async (o) => (await import('./bench/bundles')).benchBundles(o) },
  { id: 'scale', title: 'one region of 100,000 resources: collect (stub clients), evaluate, render', run: async (o) => (await import('./bench/scale')).benchScale(o), asDeployed: true },
  { id: 'run-all', title: 'run all on 20 regions (1,000 users, 500 instances, 300 security groups)', run: async (o) => (await import('./bench/run-all')).benchRunAll(o) },
  { id: 'email', title: 'email of 50,000 findings: render, MIME and size fitting (target: the 512 MB functions keep room)', run: async (o) => (await import('./bench/report')).benchReportSize({ ...o, users: [50_000] }), peakRss: { max: 150 } },
  { id: 'identity', title: 'identity evaluation', run: async (o) => (await import('./bench/identity')).benchIdentity(o) },
  { id: 'identity-requests', title: 'identity collector: AWS requests', run: async (o) => (await import('./bench/identity-requests')).benchIdentityRequests(o) },
  { id: 'certificates', title: 'certificate evaluation', run: async (o) => (await import('./bench/certificates')).benchCertificates(o) },
  { id: 'instances', title: 'EC2 instances (ec2-required-tags)', run: async (o) => (await import('./bench/instances')).benchInstances(o) },
  { id: 'security-groups', title: 'security groups', run: async (o) => (await import('./bench/security-groups')).benchSecurityGroups(o) },
  { id: 'warmer', title: 'warmer fan-out', run: async (o) => (await import('./bench/warmer')).benchWarmer(o) },
  { id: 'org', title: 'organization: 1,000 member accounts x 200 findings through the CLI fan-out (stub clients)', run: async (o) => (await import('./bench/org')).benchOrg(o), peakRss: { max: 1024 } },
  { id: 'sample-run', title: 'run all on the sample account (dry run): requests and phases', run: async (o) => (await import('./bench/sample-run')).benchSampleRun(o) },
];

/** Runs one scenario in this process and prints its peak RSS (next to its target when it has one). */
export async function runScenario(id: string, opts: BenchOptions): Promise<number> {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`bench: no scenario "${id}" (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  await scenario.run(opts);
  opts.print(figure('peak RSS of this scenario\'s process', peakRssMiB(), 'MiB', scenario.peakRss));
  return 0;
}

/** A node process running `args`, its lines passed to `print`; resolves to its exit code. */
function inChild(args: readonly string[], opts: BenchOptions, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  createInterface({ input: child.stdout }).on('line', opts.print);
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

/** `opsbots bench --scenario <id>`: one scenario in a process of the compiled CLI. */
const cliArgs = (scenario: Scenario, opts: BenchOptions) => [CLI_BIN, 'bench', '--scenario', scenario.id, '--users', opts.users.join(',')];

/**
 * `scenario` built as a function is deployed, under the sample stage's audit function heap limits, then
 * unconstrained; the number of runs that failed.
 */
async function asDeployed(scenario: Scenario, opts: BenchOptions): Promise<number> {
  const memoryMb = sampleAuditMemoryMb();
  const flags = lambdaHeapFlags(memoryMb);
  const bundle = join(PACKAGE_ROOT, 'dist', `bench-${scenario.id}.js`);
  const nodeOptions = buildAsDeployed(join(PACKAGE_ROOT, 'cli', 'bench', `${scenario.id}-main.ts`), bundle);
  opts.print(`  -- as deployed: built as serverless.yml builds a function (AWS SDK bundled, tree-shaken), node ${[...nodeOptions, ...flags].join(' ')}: the functions' NODE_OPTIONS and the heap limits the Lambda Node.js runtime sets for a ${memoryMb} MB function (the sample stage's audit functions); the targets are judged on this run`);
  const deployed = await inChild([...nodeOptions, ...flags, bundle], opts);
  opts.print(`  -- unconstrained, for reference: node's own heap sizing on this machine (no deployed function runs so); not judged`);
  const reference = await inChild([...nodeOptions, bundle], opts, { [REFERENCE_ENV]: '1' });
  return (deployed === 0 ? 0 : 1) + (reference === 0 ? 0 : 1);
}

/**
 * `npm run bench`: timings, peak memory and AWS request counts, each figure next to its target where it
 * has one. Every scenario runs in its own process, so one's memory never counts against the next.
 */
export async function bench(opts: BenchOptions & { only?: readonly string[] }): Promise<number> {
  let failed = 0;
  for (const s of SCENARIOS.filter((x) => !opts.only || opts.only.includes(x.id))) {
    opts.print(`== ${s.title} [${s.id}]`);
    if (s.asDeployed) failed += await asDeployed(s, opts);
    else if ((await inChild(cliArgs(s, opts), opts)) !== 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}
