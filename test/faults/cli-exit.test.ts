import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { account, REGIONS } from './account';
import { fakeAws, type Call } from './fake-aws';
import { short } from './harness';
import { throttled } from './wire';

const CLI = join(__dirname, '../../cli/opsbots.js');
/**
 * How long the process may live after printing its last line (its exit, on a loaded machine): far below the
 * 15 s retry pause the throttling answers ask for, which a timer left behind would hold it for.
 */
const LINGER_MS = 5000;

describe('fault suite: the opsbots process', () => {
  it('exits on time after a region that never answers and a throttling storm, exit 2, the report written', async () => {
    // The throttling answers ask for a 15 s pause (x-amz-retry-after), which the SDK honours: its timer outlives the deadline.
    const slowDown = (call: Call) => ({ ...throttled(call), headers: { ...throttled(call).headers, 'x-amz-retry-after': '15000' } });
    const aws = await fakeAws((call) => (call.region === 'eu-west-1' ? 'hang' : call.action === 'ListUsers' ? slowDown(call) : account(call)));
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-exit-'));
    const config = join(dir, 'stage.json');
    writeFileSync(config, JSON.stringify({ region: 'us-east-1', account: { alias: 'faults' }, regions: [...REGIONS], maxAttempts: 10, ...short('sourceSeconds') }));
    try {
      const child = spawn(process.execPath, [CLI, 'run', 'all', '--config', config, '--out', join(dir, 'out')], { env: { ...process.env, AWS_ENDPOINT_URL: aws.url } });
      let stdout = '';
      let lastOutput = 0;
      child.stdout.on('data', (d) => {
        stdout += String(d);
        lastOutput = performance.now();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const linger = performance.now() - lastOutput;
      expect(code).toBe(2);
      expect(stdout).toMatch(/wrote .*findings\.json/);
      for (const source of ['ec2.securityGroups', 'ec2.instances', 'ec2.networkInterfaces', 'acm.certificates']) expect(stdout).toContain(`${source}@eu-west-1 Timeout`);
      expect(stdout).toContain('iam.users@global Timeout');
      expect(linger).toBeLessThan(LINGER_MS);
    } finally {
      await aws.close();
    }
  }, 60_000);
});
