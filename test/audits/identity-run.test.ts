import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { buildConfig } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const IDENTITY = ['iam-console-mfa', 'iam-root-mfa', 'iam-access-key-age', 'iam-unused-credentials'];

beforeEach(() => {
  iam.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/x/y' });
});

describe('identity audits when the credential report is denied', () => {
  it('makes every identity audit ERROR (never PASS), the report incomplete, with no per-user call', async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('User is not authorized to perform iam:GetCredentialReport'), { name: 'AccessDenied' }));
    const report = await runAudits({ config: buildConfig({ account: { alias: 'x' } }), auditIds: IDENTITY, clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: true });
    expect(report.state).toBe('incomplete');
    for (const id of IDENTITY) {
      const counts = report.audits.find((a) => a.id === id)?.counts;
      expect({ id, error: (counts?.ERROR ?? 0) > 0, pass: counts?.PASS, fail: counts?.FAIL }).toEqual({ id, error: true, pass: 0, fail: 0 });
    }
    expect(report.notEvaluated.map((e) => `${e.source}:${e.code}`).sort()).toEqual(['iam.accessKeys:CredentialReportUnavailable', 'iam.credentialReport:AccessDenied', 'iam.users:CredentialReportUnavailable']);
    // One report attempt for all three sources; nothing per user.
    expect(iam.calls().map((c) => c.args[0].constructor.name).sort()).toEqual(['GenerateCredentialReportCommand', 'GetCredentialReportCommand']);
  });
});
