import type { AuditResult } from '../../shared/handler';
import { useSampleFunctionEnv } from './sample-function';

describe('function: ec2-required-tags', () => {
  const sampleFunction = useSampleFunctionEnv();

  it('on a dry run with the sample stage asks EC2 to dry-run every change and reports nothing as done', async () => {
    sampleFunction('ec2-required-tags');
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
