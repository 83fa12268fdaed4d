import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalise } from '../../shared/config/index';
import { deliverReport } from '../../shared/deliver';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../../shared/logger';
import { CONFIG_DIR } from '../../shared/paths';
import { runAudits } from '../../shared/run';
import { EmulatedClients, type AccountSpec } from './emulated-account';
import { getHeapStatistics } from 'node:v8';
import { figure, mib, peakRssMiB } from './figure';
import { isReferenceRun } from './lambda-heap';

/** One region of 100,000 resources: the issue's "enterprise scale" account. */
export const SCALE_ACCOUNT: AccountSpec = { regions: ['us-east-1'], users: 20_000, instances: 50_000, groups: 30_000 };
export const SCALE_TARGETS = { seconds: { max: 5 }, peakRssMiB: { max: 300 } } as const;

/** The sample stage's settings (required tags, notify...) for `spec`'s regions: every audit, as a run of `all`. */
export function benchConfig(spec: AccountSpec) {
  const sample = parse(readFileSync(join(CONFIG_DIR, 'sample.yml'), 'utf8')) as Record<string, unknown>;
  return normalise('bench', { ...sample, regions: [...spec.regions], concurrency: 4 });
}

/**
 * The logger a deployed function runs with (shared/logger.ts createLogger(): Powertools, one JSON line per
 * event), its lines formatted as in Lambda and then dropped instead of written. A MemoryLog would keep every
 * line of the run (one per remediation step: 27,790 at scale), which no function holds, and skip formatting
 * them, which every function does. `written` counts the lines.
 */
export function discardingLogger(): Log & { written: () => number } {
  let lines = 0;
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = chunk.toString();
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
      done();
    },
  });
  // INFO: no function sets a log level (Powertools' default), whatever this process's environment says.
  const logger = new Logger({ serviceName: 'opsbots', logLevel: 'INFO' });
  // Its console is the one thing a Lambda's differs in: process.stdout there, nowhere here.
  (logger as unknown as { console: Console }).console = new Console({ stdout: sink, stderr: sink });
  return Object.assign(logger, { written: () => lines });
}

/** `run all` as a dry run on an emulated account, then the email as it would be sent; wall time in seconds. */
export async function runEmulated(spec: AccountSpec) {
  const config = benchConfig(spec);
  const clients = new EmulatedClients(spec);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const log = discardingLogger();
  const report = await runAudits({ config, auditIds: ['all'], clients, log, dryRun: true, now: new Date('2026-11-20T08:00:00Z') });
  if (report.notEvaluated.length > 0) throw new Error(`bench: the emulated account left sources unread: ${JSON.stringify(report.notEvaluated)}`);
  // Apart from rendering's: what collecting and evaluating alone reach, and what the findings hold on to.
  const beforeRender = { peakRssMiB: peakRssMiB(), heapMiB: mib(process.memoryUsage().heapUsed) };
  const delivered = await deliverReport({ config, report, clients, dryRun: true });
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const timings = { ...report.timings, ...delivered.timings };
  const phases = `phases (ms): ${(['collect', 'evaluate', 'act', 'render'] as const).map((p) => `${p} ${Math.round(timings[p] ?? 0)}`).join(', ')}; CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (wall time counts other processes' load)`;
  return { config, clients, report, delivered, seconds, phases, beforeRender, logLines: log.written() };
}

/**
 * One region of 100,000 resources, collected from stub clients (no network), evaluated and rendered into
 * the email. Peak RSS is this process's: the bench runs each scenario in a child process.
 */
export async function benchScale(opts: { print: (s: string) => void; spec?: AccountSpec }): Promise<number> {
  const spec = opts.spec ?? SCALE_ACCOUNT;
  const { clients, report, delivered, seconds, phases, beforeRender, logLines } = await runEmulated(spec);
  opts.print(`  ${spec.regions.length} region(s): ${spec.users} users, ${spec.instances} instances and ${spec.groups} security groups per region; ${report.findings.length} findings, state ${report.state}, ${clients.stats.total()} requests, ${logLines} log lines (formatted as in Lambda, not kept)`);
  opts.print(`  ${phases}; email ${((delivered.eml?.length ?? 0) / 1048576).toFixed(1)} MB`);
  opts.print(`  before rendering: peak RSS ${beforeRender.peakRssMiB.toFixed(0)} MiB (collect, evaluate, act), heap in use ${beforeRender.heapMiB.toFixed(0)} MiB (the findings, and garbage not yet freed)`);
  // The unconstrained run is there to compare with: its figures carry no target.
  const reference = isReferenceRun();
  opts.print(`  V8 heap limit of this process: ${mib(getHeapStatistics().heap_size_limit).toFixed(0)} MiB${reference ? ' (node\'s default here)' : ''}`);
  opts.print(figure('collect + evaluate + render, wall time', seconds, 's', reference ? undefined : SCALE_TARGETS.seconds));
  opts.print(figure('peak RSS of the process', peakRssMiB(), 'MiB', reference ? undefined : SCALE_TARGETS.peakRssMiB));
  return 0;
}
