import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { BatchImportFindingsCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { auditHandler, auditRuntime, type AuditResult } from '../../shared/handler';
import { definition as consoleMfa } from '../../functions/iam-console-mfa';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { NotifyError } from '../../shared/errors';
import { buildConfig, listedUsers } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const ses = mockClient(SESv2Client);
const hub = mockClient(SecurityHubClient);
const CSV = 'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\nbob,arn:aws:iam::123456789012:user/bob,2024-01-01T00:00:00+00:00,true,N/A,false,false,false\n';

function handler() {
  const config = buildConfig({ notify: { from: 'bots@example.com', to: ['sec@example.com'] }, securityHub: { enabled: true } });
  const log = new MemoryLog();
  return { run: auditHandler(consoleMfa, () => auditRuntime({}, consoleMfa.audits, { config, clients: new Clients({ maxAttempts: 1 }), log })), log };
}

beforeEach(() => {
  for (const m of [iam, sts, ses, hub]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/x' });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(CSV), GeneratedTime: new Date() });
  iam.on(ListUsersCommand).resolves(listedUsers(['bob']));
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  hub.on(GetFindingsCommand).resolves({ Findings: [] });
});

describe('handler: the Security Hub sink next to the email', () => {
  it('imports after the email and reports the import in the result', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
    const r = (await handler().run({})) as AuditResult;
    expect(r.delivery.sent).toBe(true);
    expect(r.sinks?.securityHub).toMatchObject({ sent: true, imported: 1, failed: [] });
  });

  it('fails the invocation when Security Hub rejects a finding (the email still went out)', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 0, FailedCount: 1, FailedFindings: [{ Id: 'opsbots/a', ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }] });
    const { run, log } = handler();
    await expect(run({})).rejects.toThrow(NotifyError);
    await expect(run({})).rejects.toThrow(/report not delivered: securityHub: opsbots\/a: InvalidInput/);
    expect(ses.commandCalls(SendEmailCommand).length).toBeGreaterThan(0);
    expect(log.lines.some((l) => l.level === 'error' && l.message === 'delivery failed')).toBe(true);
  });

  it('still imports when the email fails, then fails with the email\'s error', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('not verified'), { name: 'MessageRejected' }));
    await expect(handler().run({})).rejects.toThrow(/email not sent/);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
  });

  it('a dry run sends nothing to Security Hub', async () => {
    const r = (await handler().run({ dryRun: true })) as AuditResult;
    expect(hub.calls()).toHaveLength(0);
    expect(r.sinks?.securityHub).toEqual({ sent: false, reason: 'dry run: nothing sent', wouldImport: 1 });
  });
});
