import { benchIdentity } from '../../cli/bench/identity';
import { benchIdentityRequests } from '../../cli/bench/identity-requests';
import { benchSampleRun } from '../../cli/bench/sample-run';

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
    // 300 users: ListUsers pages of 1000, one ListAccessKeys per reportable holder (6) and per missing user (5)
    expect(lines[1]).toMatch(/users=\s+300 .*ListAccessKeys=11 .*ListUsers=1 .*total=\d+/);
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
