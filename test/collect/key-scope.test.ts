import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { collectScope, resolveAuditIds, runAudits } from '../../shared/run';
import { mayBeReported } from '../../shared/collect/iam-access-keys';
import { buildConfig, accessKey, date } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const NOW = new Date('2026-11-20T08:00:00Z');
const HEADER = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000 - 3_600_000).toISOString().replace('.000Z', '+00:00');

// One key per user: created 0..199 days ago, last used 0..119 days ago or never.
const USERS = Array.from({ length: 200 }, (_, i) => ({ name: `svc-${i}`, created: ago(i), used: i % 3 === 0 ? null : ago(i % 120) }));

function account() {
  const rows = USERS.map((u) => `${u.name},arn:aws:iam::123456789012:user/${u.name},2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,${u.created},${u.used ?? 'N/A'},${u.used ? 'us-east-1,s3' : 'N/A,N/A'},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`);
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(`${HEADER}\n${rows.join('\n')}\n`), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
  iam.on(ListUsersCommand).resolves({ Users: USERS.map((u) => ({ UserName: u.name, UserId: u.name, Path: '/', Arn: `arn:aws:iam::123456789012:user/${u.name}`, CreateDate: new Date('2020-01-01T00:00:00Z') })) });
  iam.on(ListAccessKeysCommand).callsFake((input: { UserName: string }) => {
    const u = USERS.find((x) => x.name === input.UserName);
    return { AccessKeyMetadata: [{ UserName: input.UserName, AccessKeyId: `AKIA${input.UserName}`, Status: 'Active', CreateDate: new Date(u?.created ?? 0) }] };
  });
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/x/y' });
}

beforeEach(() => {
  iam.reset();
  sts.reset();
  account();
});

describe('collect scope: key ids only for keys an audit could report', () => {
  it.each([
    ['defaults', {}, {}],
    ['strict', { maxAgeDays: 30, warnAgeDays: 10 }, { unusedDays: 5, neverUsedGraceDays: 0 }],
    ['lenient', { maxAgeDays: 365, warnAgeDays: 180 }, { unusedDays: 100, neverUsedGraceDays: 30 }],
  ])('names every WARN/FAIL key by its id, listing fewer users than hold keys (%s settings)', async (_name, age, unused) => {
    const config = buildConfig({ account: { alias: 'x' }, audits: { 'iam-access-key-age': { settings: age }, 'iam-unused-credentials': { settings: unused } } });
    const report = await runAudits({ config, auditIds: ['iam-access-key-age', 'iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: true, now: NOW });
    const keyFindings = report.findings.filter((f) => f.resourceType === 'AWS::IAM::AccessKey');
    expect(keyFindings.length).toBe(400);
    const reported = keyFindings.filter((f) => f.status !== 'PASS');
    expect(reported.length).toBeGreaterThan(0);
    for (const f of reported) expect({ id: f.resourceId, accessKeyId: f.evidence.accessKeyId }).toEqual({ id: `AKIA${f.evidence.userName}`, accessKeyId: `AKIA${f.evidence.userName}` });
    const listedUsers = iam.commandCalls(ListAccessKeysCommand).length;
    expect(listedUsers).toBe(new Set(reported.map((f) => f.evidence.userName)).size);
    expect(listedUsers).toBeLessThan(USERS.length);
  });

  it('runs the per-user key reads at most the stage\'s iamConcurrency at a time', async () => {
    let inFlight = 0;
    let most = 0;
    iam.on(ListAccessKeysCommand).callsFake(async (input: { UserName: string }) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return { AccessKeyMetadata: [{ UserName: input.UserName, AccessKeyId: `AKIA${input.UserName}`, Status: 'Active', CreateDate: new Date(USERS.find((u) => u.name === input.UserName)?.created ?? 0) }] };
    });
    const config = buildConfig({ account: { alias: 'x' }, concurrency: 8, iamConcurrency: 2 });
    await runAudits({ config, auditIds: ['iam-unused-credentials'], clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: true, now: NOW });
    expect(iam.commandCalls(ListAccessKeysCommand).length).toBeGreaterThan(10);
    expect(most).toBe(2);
  });

  it('reads every key holder when an audit of the run gives no scope (nothing narrows it)', () => {
    const config = buildConfig({});
    expect(collectScope(resolveAuditIds(['iam-access-key-age']), config)).toEqual({ 'iam.accessKeys': [{ olderThanDays: 80 }] });
    expect(collectScope(resolveAuditIds(['iam-console-mfa']), config)).toEqual({});
  });

  it('always lists a key whose creation time is unreadable', () => {
    expect(mayBeReported(accessKey(1, null), NOW, [{ olderThanDays: 1000 }])).toBe(true);
    expect(mayBeReported(accessKey(1, '2026-11-19T00:00:00Z', null, { lastUsed: date(null, 'N/A') }), NOW, [{ neverUsedOlderThanDays: 7 }])).toBe(false);
  });
});
