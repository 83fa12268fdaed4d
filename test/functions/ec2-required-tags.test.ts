import { join } from 'node:path';
import { readStageFile } from '../../shared/config/load';
import { buildDeployment } from '../../shared/deploy/template';
import { functionKey } from '../../shared/deploy/names';
import type { AuditResult } from '../../shared/handler';

const ROOT = join(__dirname, '..', '..');

describe('function: ec2-required-tags', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('on a dry run with the sample stage asks EC2 to dry-run every change and reports nothing as done', async () => {
    // The stage config as serverless.yml hands it over, answered from the sample account's recordings.
    process.env.OPSBOTS_STAGE = 'sample';
    const { functions } = buildDeployment('sample', readStageFile(join(ROOT, 'config', 'sample.yml')));
    process.env.OPSBOTS_CONFIG = (functions[functionKey('ec2-required-tags')] as { environment: { OPSBOTS_CONFIG: string } }).environment.OPSBOTS_CONFIG;
    process.env.OPSBOTS_REPLAY = join(ROOT, 'sample');
    const { handler } = await import('../../functions/ec2-required-tags');
    const res = (await handler({ dryRun: true })) as AuditResult;
    expect(res).toMatchObject({ dryRun: true, state: 'incomplete', counts: { FAIL: 18, WARN: 2, ERROR: 1, suppressed: 2 }, delivery: { sent: false } });
    const remediation = res.rendered?.text.split('\nRemediation\n')[1] ?? '';
    expect(remediation).toContain('mark stop i-0a000000000000001 (us-east-1): dry-run: dry run: AWS confirms mark stop would succeed');
    expect(remediation).toContain('stop i-0a00000000000000a (us-east-1): dry-run');
    expect(remediation).toContain('unmark i-0e00000000000000c (eu-west-1): dry-run');
    // an instance on its way down (stopping) fails the audit but is neither marked nor stopped again
    for (const id of ['i-0a00000000000000d (us-east-1)', 'i-0e00000000000000d (eu-west-1)']) expect(remediation).toContain(`stop ${id}: skipped: state stopping: stop does not apply`);
    expect(remediation).not.toMatch(/\): (done|marked|unmarked|failed|refused):/);
  });
});
