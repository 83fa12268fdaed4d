import { mockClient } from 'aws-sdk-client-mock';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { buildConfig, listedUsers, REPORT_HEADER, REPORT_ROOT_ROW } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const NOW = new Date('2026-11-20T08:00:00Z');
// Automation created both keys of `deployer` in the same second, 200 days ago.
const CREATED = '2026-05-04T10:00:00+00:00';
const YESTERDAY = '2026-11-19T09:12:00+00:00';
const slots = (one: string, two: string) => `deployer,arn:aws:iam::123456789012:user/deployer,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,${one},${two},false,N/A,false,N/A`;
const USED = `true,${CREATED},${YESTERDAY},eu-west-1,s3`;
const NEVER = `true,${CREATED},N/A,N/A,N/A`;

// ListAccessKeys lists the used key first: a match by creation time alone gives it to both slots.
const KEYS = [
  { UserName: 'deployer', AccessKeyId: 'AKIAUSEDYESTERDAY000', Status: 'Active' as const, CreateDate: new Date('2026-05-04T10:00:00.123Z') },
  { UserName: 'deployer', AccessKeyId: 'AKIANEVERUSED0000000', Status: 'Active' as const, CreateDate: new Date('2026-05-04T10:00:00.877Z') },
];

function account(row: string, lastUsed: Record<string, { LastUsedDate?: Date; Region: string; ServiceName: string }>) {
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(`${REPORT_HEADER}\n${REPORT_ROOT_ROW}\n${row}\n`), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
  iam.on(ListUsersCommand).resolves(listedUsers(['deployer']));
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: KEYS });
  for (const [id, used] of Object.entries(lastUsed)) iam.on(GetAccessKeyLastUsedCommand, { AccessKeyId: id }).resolves({ UserName: 'deployer', AccessKeyLastUsed: used });
  iam.on(UpdateAccessKeyCommand).resolves({});
}

async function run(auditId = 'iam-unused-credentials') {
  const config = buildConfig({ account: { alias: 'x' }, audits: { [auditId]: { remediation: { enabled: true } } } });
  return runAudits({ config, auditIds: [auditId], clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: false, now: NOW });
}

const keyFindings = (report: Awaited<ReturnType<typeof run>>) => report.findings.filter((f) => f.resourceType === 'AWS::IAM::AccessKey').map((f) => [f.resourceId, f.status]);

beforeEach(() => {
  iam.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/x/y' });
});

describe('key identity: two keys created in the same second', () => {
  it('tells them apart by GetAccessKeyLastUsed and deactivates the never-used key, never the one used yesterday', async () => {
    account(slots(USED, NEVER), {
      AKIAUSEDYESTERDAY000: { LastUsedDate: new Date(YESTERDAY), Region: 'eu-west-1', ServiceName: 's3' },
      AKIANEVERUSED0000000: { Region: 'N/A', ServiceName: 'N/A' },
    });
    const report = await run();
    expect(keyFindings(report)).toEqual([['AKIAUSEDYESTERDAY000', 'PASS'], ['AKIANEVERUSED0000000', 'FAIL']]);
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'deployer', AccessKeyId: 'AKIANEVERUSED0000000', Status: 'Inactive' }]);
    expect(report.actions).toMatchObject([{ resourceId: 'AKIANEVERUSED0000000', outcome: 'done' }]);
  });

  it('asks GetAccessKeyLastUsed only about keys that share a creation second', async () => {
    account(slots(USED, NEVER), {
      AKIAUSEDYESTERDAY000: { LastUsedDate: new Date(YESTERDAY), Region: 'eu-west-1', ServiceName: 's3' },
      AKIANEVERUSED0000000: { Region: 'N/A', ServiceName: 'N/A' },
    });
    await run();
    expect(iam.commandCalls(GetAccessKeyLastUsedCommand).map((c) => c.args[0].input.AccessKeyId).sort()).toEqual(['AKIANEVERUSED0000000', 'AKIAUSEDYESTERDAY000']);
    iam.resetHistory();
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [KEYS[0]!, { ...KEYS[1]!, CreateDate: new Date('2026-05-04T10:00:01Z') }] });
    iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(`${REPORT_HEADER}\n${REPORT_ROOT_ROW}\n${slots(USED, NEVER.replace(CREATED, '2026-05-04T10:00:01+00:00'))}\n`), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
    await run();
    expect(iam.commandCalls(GetAccessKeyLastUsedCommand)).toHaveLength(0);
  });

  it('reports both slots as ambiguous, naming both candidates, and refuses to deactivate either when nothing tells them apart', async () => {
    // Both used since the report was generated: their last-used facts fit either slot.
    const later = { LastUsedDate: new Date('2026-11-20T07:55:00Z'), Region: 'eu-west-1', ServiceName: 's3' };
    account(slots(NEVER, NEVER), { AKIAUSEDYESTERDAY000: later, AKIANEVERUSED0000000: later });
    const report = await run();
    expect(keyFindings(report)).toEqual([['deployer:access_key_1', 'FAIL'], ['deployer:access_key_2', 'FAIL']]);
    const [one] = report.findings.filter((f) => f.resourceType === 'AWS::IAM::AccessKey');
    expect(one?.evidence).toMatchObject({ accessKeyId: null, keyIdCandidates: ['AKIAUSEDYESTERDAY000', 'AKIANEVERUSED0000000'], keyIdUnknown: expect.stringMatching(/^ambiguous: /) });
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(report.actions.map((a) => [a.resourceId, a.outcome])).toEqual([['deployer:access_key_1', 'refused'], ['deployer:access_key_2', 'refused']]);
    expect(report.actions[0]?.message).toMatch(/^not changed: the key is ambiguous \(AKIAUSEDYESTERDAY000 or AKIANEVERUSED0000000\)/);
  });

  it('is ambiguous, not guessed, when GetAccessKeyLastUsed is denied; the report names the gap', async () => {
    account(slots(USED, NEVER), {});
    iam.on(GetAccessKeyLastUsedCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const report = await run();
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(report.actions.map((a) => a.outcome)).toEqual(['refused']);
    expect(report.state).toBe('incomplete');
    expect(report.notEvaluated).toMatchObject([{ source: 'iam.accessKeys', code: 'AccessDenied', resources: ['deployer'] }]);
  });
});
