import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { runAudits } from '../../shared/run';
import { buildConfig, listedUsers, REPORT_HEADER, REPORT_ROOT_ROW } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const NOW = new Date('2026-11-20T08:00:00Z');
// Three service users, each with one key unused for 200 days: every key FAILs iam-unused-credentials.
const NAMES = ['svc-a', 'svc-b', 'svc-c'];
const row = (n: string) => `${n},arn:aws:iam::123456789012:user/${n},2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-01T00:00:00+00:00,2026-05-04T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
const IDENTITY = ['iam-unused-credentials', 'iam-access-key-age'];

beforeEach(() => {
  iam.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/x/y' });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(`${REPORT_HEADER}\n${REPORT_ROOT_ROW}\n${NAMES.map(row).join('\n')}\n`), GeneratedTime: new Date('2026-11-20T07:40:00Z') });
  iam.on(ListUsersCommand).resolves(listedUsers(NAMES));
  iam.on(ListAccessKeysCommand).callsFake((input: { UserName: string }) => ({ AccessKeyMetadata: [{ UserName: input.UserName, AccessKeyId: `AKIA${input.UserName.toUpperCase()}`, Status: 'Active', CreateDate: new Date('2025-01-01T00:00:00Z') }] }));
  iam.on(UpdateAccessKeyCommand).resolves({});
});

async function run() {
  const config = buildConfig({ account: { alias: 'x' }, audits: { 'iam-unused-credentials': { remediation: { enabled: true } } } });
  return runAudits({ config, auditIds: IDENTITY, clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog(), dryRun: false, now: NOW });
}

describe('key ids: a failed ListAccessKeys is a named gap', () => {
  it.each([
    ['denied', Object.assign(new Error('User is not authorized to perform iam:ListAccessKeys'), { name: 'AccessDenied' }), 'AccessDenied'],
    ['throttled out', Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }), 'Throttling'],
  ])('makes the report incomplete, naming iam.accessKeys and the users whose key ids are unknown (%s)', async (_name, error, code) => {
    iam.on(ListAccessKeysCommand, { UserName: 'svc-b' }).rejects(error);
    iam.on(ListAccessKeysCommand, { UserName: 'svc-c' }).rejects(error);
    const report = await run();
    expect(report.state).toBe('incomplete');
    expect(report.notEvaluated).toEqual([{ source: 'iam.accessKeys', region: 'global', code, message: expect.stringMatching(/^ListAccessKeys failed for 2 users \(svc-b, svc-c\): their key ids are unknown/), resources: ['svc-b', 'svc-c'] }]);
    for (const auditId of IDENTITY) {
      expect(report.findings.filter((f) => f.auditId === auditId && f.status === 'ERROR')).toMatchObject([{ resourceId: 'iam.accessKeys', evidence: { code, resources: ['svc-b', 'svc-c'] } }]);
    }
  });

  it('acts on no key without an id: those are refused, saying why; the key whose id is known is deactivated', async () => {
    iam.on(ListAccessKeysCommand, { UserName: 'svc-b' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const report = await run();
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input.AccessKeyId).sort()).toEqual(['AKIASVC-A', 'AKIASVC-C']);
    expect(report.actions.find((a) => a.resourceId === 'svc-b:access_key_1')).toMatchObject({ outcome: 'refused', message: 'not changed: the key id is unknown (not listed: ListAccessKeys failed for this user (AccessDenied))' });
  });

  it('is complete when every key id was read', async () => {
    const report = await run();
    expect(report.notEvaluated).toEqual([]);
    expect(report.state).toBe('findings');
  });
});
