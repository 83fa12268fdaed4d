import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsDeployed, deployBuild, deployedBuildOptions } from '../../cli/bench/as-deployed';
import { PACKAGE_ROOT } from '../../shared/paths';
import { benchIdentity } from '../../cli/bench/identity';
import { benchIdentityRequests } from '../../cli/bench/identity-requests';
import { benchSampleRun } from '../../cli/bench/sample-run';
import { bench, runScenario } from '../../cli/bench';
import { figure } from '../../cli/bench/figure';
import { benchScale, discardingLogger } from '../../cli/bench/scale';
import { benchRunAll, REGIONS_20 } from '../../cli/bench/run-all';
import { lambdaHeapFlags, REFERENCE_ENV, sampleAuditMemoryMb } from '../../cli/bench/lambda-heap';

/** The bench's figures are not pass/fail; these check that each one is produced, on small inputs. */
describe('npm run bench (figures produced, small sizes)', () => {
  it('identity evaluation: time and memory for the view and each identity audit, per user count', async () => {
    const lines: string[] = [];
    await benchIdentity({ users: [200], print: (s) => lines.push(s) });
    for (const step of ['identity view', 'iam-console-mfa', 'iam-root-mfa', 'iam-access-key-age', 'iam-unused-credentials']) {
      expect(lines.find((l) => l.startsWith(step))).toMatch(/users=\s+200 .*time=\s+[\d.]+ ms .*peak rss=[\d.]+ MiB/);
    }
  });

  it('identity collector: AWS requests on the sample (fixed) and on a generated account', async () => {
    const lines: string[] = [];
    await benchIdentityRequests({ users: [300], print: (s) => lines.push(s) });
    // the sample: report (2), ListUsers (1), key ids of the 5 reportable holders, 1 user read one by one (3 calls)
    expect(lines[0]).toMatch(/^sample account .*GetCredentialReport=1 .*ListUsers=1 .*total=11$/);
    // 300 users: ListUsers pages of 1000, one ListAccessKeys per reportable holder (6) and per missing user (5);
    // GetAccessKeyLastUsed for the two keys of each same-second pair (2 pairs) and the missing key holder (1)
    expect(lines[1]).toMatch(/users=\s+300 .*sameSecondPairs=\s+2 .*GetAccessKeyLastUsed=5 .*ListAccessKeys=11 .*ListUsers=1 .*total=29/);
  });

  it('run all on the sample account: requests per operation and wall time of every phase', async () => {
    const lines: string[] = [];
    await benchSampleRun({ print: (s) => lines.push(s) });
    const out = lines.join('\n');
    expect(out).toMatch(/iam\.GetCredentialReport\s+1\s+1/);
    expect(out).toMatch(/^  total\s+\d+\s+\d+$/m);
    expect(out).not.toMatch(/UpdateAccessKey/); // a dry run: IAM has no DryRun parameter, so no call (EC2's are sent with DryRun)
    for (const phase of ['collect', 'evaluate', 'act', 'render', 'notify']) expect(out).toMatch(new RegExp(`^  ${phase}\\s+[\\d.]+$`, 'm'));
  });
});

describe('npm run bench: harness and targets', () => {
  it('prints a figure next to its target and says whether it was met', () => {
    expect(figure('opsbots --help', 0.12, 's', { max: 0.3 })).toMatch(/opsbots --help\s+0\.12 s\s+target <= 0\.3 s: met$/);
    expect(figure('peak RSS', 490, 'MiB', { max: 150 })).toMatch(/peak RSS\s+490 MiB\s+target <= 150 MiB: MISSED$/);
    expect(figure('requests', 239, 'requests')).not.toMatch(/target/);
  });

  it('runs each scenario in its own process of the compiled CLI and prints that process peak RSS', async () => {
    const lines: string[] = [];
    const code = await bench({ users: [200], print: (s) => lines.push(s), only: ['warmer'] });
    expect(code).toBe(0);
    expect(lines[0]).toBe('== warmer fan-out [warmer]');
    expect(lines.at(-1)).toMatch(/peak RSS of this scenario's process\s+\d+ MiB$/);
    // the child's own figure: the parent (jest) never ran the scenario
    expect(lines.some((l) => /50 targets x 5 = 250 calls/.test(l))).toBe(true);
  }, 60_000);

  it('an unknown scenario is refused by name', async () => {
    await expect(runScenario('nope', { users: [], print: () => undefined })).rejects.toThrow(/no scenario "nope" \(known: cli, .*\bscale\b.*\borg\b/);
  });

  it('scale and run-all: every source of the emulated account is read, figures printed against their targets', async () => {
    const lines: string[] = [];
    const print = (s: string) => lines.push(s);
    await benchScale({ print, spec: { regions: ['us-east-1'], users: 60, instances: 90, groups: 30 } });
    await benchRunAll({ print, spec: { regions: REGIONS_20.slice(0, 3), users: 30, instances: 4, groups: 3, latencyMs: 1 } });
    const out = lines.join('\n');
    // 60 users x 4 identity audits + root + 90 instances + 30 groups + 5 certificates (PASS/WARN/FAIL each)
    expect(out).toMatch(/1 region\(s\): 60 users, 90 instances and 30 security groups per region; \d+ findings, state findings, \d+ requests/);
    expect(out).toMatch(/collect \+ evaluate \+ render, wall time\s+[\d.]+ s\s+target <= 5 s: (met|MISSED)/);
    expect(out).toMatch(/peak RSS of the process\s+\d+ MiB\s+target <= 300 MiB/);
    expect(out).toMatch(/V8 heap limit of this process: \d+ MiB\n/);
    expect(out).toMatch(/30 users, 12 instances, 9 security groups in 3 regions; every request answered after 1 ms/);
    expect(out).toMatch(/run all, wall time\s+[\d.]+ s\s+target <= 3\.85 s/);
  });

  it('the scale scenario is judged as a deployed audit function runs: under the heap limits Lambda sets for its memorySize', () => {
    // The runtime's bootstrap: a tenth of the memory for the young generation (three semi-spaces), the rest old space.
    expect(lambdaHeapFlags(512)).toEqual(['--max-semi-space-size=17', '--max-old-space-size=461']);
    expect(lambdaHeapFlags(1024)).toEqual(['--max-semi-space-size=34', '--max-old-space-size=922']);
    // The sample stage sets no lambda.memorySize: its audit functions get the deploy default.
    expect(sampleAuditMemoryMb()).toBe(512);
  });

  it('the unconstrained reference run of scale prints its figures without targets', async () => {
    const lines: string[] = [];
    process.env[REFERENCE_ENV] = '1';
    try {
      await benchScale({ print: (s) => lines.push(s), spec: { regions: ['us-east-1'], users: 10, instances: 10, groups: 5 } });
    } finally {
      delete process.env[REFERENCE_ENV];
    }
    const out = lines.join('\n');
    expect(out).toMatch(/V8 heap limit of this process: \d+ MiB \(node's default here\)/);
    expect(out).toMatch(/peak RSS of the process\s+\d+ MiB$/m);
    expect(out).not.toMatch(/target/);
  });
});

describe('npm run bench: the scale scenario runs the code a deployed function loads', () => {
  it('takes serverless.yml\'s esbuild settings and the functions\' NODE_OPTIONS', () => {
    const build = deployBuild();
    expect(build.nodeOptions).toEqual(['--enable-source-maps']);
    const options = deployedBuildOptions(build, 'entry.ts', 'out.js');
    // The SDK is bundled from its ESM entry points (tree-shaken), minified, as every function is.
    expect(options).toMatchObject({ bundle: true, minify: true, keepNames: true, mainFields: ['module', 'main'], platform: 'node', entryPoints: ['entry.ts'], outfile: 'out.js' });
    expect(options).not.toHaveProperty('exclude');
    expect(build.esbuild.plugins).toBe('./config/esbuild-plugins.js');
  });

  it('logs through the functions\' logger, each line formatted and dropped: nothing printed, nothing kept', () => {
    const write = jest.spyOn(process.stdout, 'write');
    try {
      const log = discardingLogger();
      log.info('action', { auditId: 'a', undo: null });
      log.warn('action', { auditId: 'b' });
      log.debug('below the default level: not formatted');
      expect(log.written()).toBe(2);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  it('builds the scenario with the SDK inside the bundle, so no client\'s CommonJS build is loaded from node_modules', () => {
    const out = join(PACKAGE_ROOT, 'dist', 'bench-scale.test.js');
    try {
      expect(buildAsDeployed(join(PACKAGE_ROOT, 'cli', 'bench', 'scale-main.ts'), out)).toEqual(['--enable-source-maps']);
      const code = readFileSync(out, 'utf8');
      expect(code.includes('DescribeSecurityGroups')).toBe(true);
      // Only the SDK's own optional require (the CRT signer, absent) is left to node_modules.
      expect(code.match(/require\("@aws-sdk\/[^"]+"\)/g)?.filter((r) => !r.includes('signature-v4-crt')) ?? []).toEqual([]);
    } finally {
      rmSync(out, { force: true });
      rmSync(`${out}.map`, { force: true });
    }
  }, 120_000);
});
