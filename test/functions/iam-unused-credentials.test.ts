import type { AuditResult } from '../../shared/handler';
import { useSampleFunctionEnv } from './sample-function';

describe('function: iam-unused-credentials', () => {
  const sampleFunction = useSampleFunctionEnv();

  it('on a dry run with the sample stage reports the keys it would deactivate and changes none', async () => {
    sampleFunction('iam-unused-credentials');
    const { handler } = await import('../../functions/iam-unused-credentials');
    const res = (await handler({ dryRun: true })) as AuditResult;
    expect(res).toMatchObject({ dryRun: true, state: 'findings', counts: { FAIL: 3, WARN: 0, ERROR: 0, PASS: 8, suppressed: 1 }, actions: 2, delivery: { sent: false } });
    const remediation = res.rendered?.text.split('\nRemediation\n')[1] ?? '';
    expect(remediation).toContain('deactivate access key AKIABOBKEY0000000002 (global): dry-run: dry run: would deactivate access key');
    expect(remediation).toContain('deactivate access key AKIAOLDSVC0000000001 (global): dry-run');
    expect(remediation).not.toMatch(/: (done|failed|refused):/);
    // The Lambda result itself lists each step with the command that would reverse it.
    expect(res.remediation.map((a) => [a.resourceId, a.outcome, a.undo?.possible && a.undo.command]).sort()).toEqual([
      ['AKIABOBKEY0000000002', 'dry-run', 'aws iam update-access-key --user-name bob --access-key-id AKIABOBKEY0000000002 --status Active'],
      ['AKIAOLDSVC0000000001', 'dry-run', 'aws iam update-access-key --user-name old-svc --access-key-id AKIAOLDSVC0000000001 --status Active'],
    ]);
  });
});
