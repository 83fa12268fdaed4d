import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { auditHandler, auditRuntime, type AuditResult } from '../../shared/handler';
import { definition as consoleMfa } from '../../functions/iam-console-mfa';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { S3StateStore } from '../../shared/state/store';
import { buildConfig, listedUsers } from '../builders';
import { memoryS3 } from '../state/memory-s3';
import { useLocalSes } from './local-ses';

const ses = useLocalSes();
const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const HEAD = 'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\n';
const row = (name: string, mfa: boolean) => `${name},arn:aws:iam::123456789012:user/${name},2024-01-01T00:00:00+00:00,true,N/A,${mfa},false,false\n`;
const account = (...rows: string[]) => {
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(HEAD + rows.join('')), GeneratedTime: new Date() });
  iam.on(ListUsersCommand).resolves(listedUsers(rows.map((r) => r.split(',')[0] ?? '')));
};

/** One deployed function with `sendWhen: changes`: its runtime keeps clients and the state store across invocations. */
function changesFunction() {
  const config = buildConfig({ notify: { from: 'bots@example.com', to: ['sec@example.com'], sendWhen: 'changes' } });
  const clients = new Clients({ maxAttempts: 1 });
  const log = new MemoryLog();
  const state = new S3StateStore(clients, 'opsbots-prod-state', 'iamConsoleMfa', 'us-east-1');
  return { handler: auditHandler(consoleMfa, () => auditRuntime({}, consoleMfa.audits, { config, clients, log, state })), log };
}

const run = async (handler: ReturnType<typeof changesFunction>['handler'], event: object = { source: 'opsbots.schedule' }) => (await handler(event)) as AuditResult;

beforeEach(() => {
  iam.reset();
  sts.reset();
  s3.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/x' });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
});

describe('sendWhen: changes, across runs with stored state', () => {
  it('sends on the first run, stays quiet when nothing changed, then says what is new and what was resolved', async () => {
    const objects = memoryS3(s3);
    const { handler } = changesFunction();

    account(row('bob', false), row('amy', true));
    const first = await run(handler);
    expect(first.delivery.sent).toBe(true);
    expect(first.changes).toEqual({ added: 1, resolved: 0, unchecked: 0, previousUnreadable: 0, stateSaved: true });
    const mail1 = await ses.stored(first.delivery.sent ? first.delivery.messageId : '');
    expect(mail1.body.text).toContain('No previous run stored for iam-console-mfa: every finding is new.');
    expect(JSON.parse(objects.get('opsbots-prod-state/iamConsoleMfa/iam-console-mfa.json') ?? '{}').findings.map((e: { resourceId: string }) => e.resourceId)).toEqual(['bob']);

    const second = await run(handler);
    expect(second.delivery).toEqual({ sent: false, reason: 'sendWhen=changes and nothing changed since the last run' });

    account(row('bob', true), row('carol', false));
    const third = await run(handler);
    expect(third.changes).toMatchObject({ added: 1, resolved: 1 });
    const mail3 = await ses.stored(third.delivery.sent ? third.delivery.messageId : '');
    expect(mail3.subject).toBe('[opsbots] 123456789012 test: 1 FAIL');
    expect(mail3.body.text).toMatch(/New \(1\)\n {2}- \[FAIL\/high\] carol/);
    expect(mail3.body.text).toMatch(/Resolved \(1\)\n {2}- iam-console-mfa bob \(global\): was FAIL/);
    expect(mail3.body.html).toContain('Since the last run (');
  });

  it('says when the previous state cannot be read, sends anyway, and stores the new state', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3.on(PutObjectCommand).resolves({});
    const { handler, log } = changesFunction();
    account(row('bob', false));
    const res = await run(handler);
    expect(res.delivery.sent).toBe(true);
    expect(res.changes).toMatchObject({ previousUnreadable: 1, stateSaved: true });
    const mail = await ses.stored(res.delivery.sent ? res.delivery.messageId : '');
    expect(mail.body.text).toContain('Previous state of iam-console-mfa could not be read (AccessDenied: s3://opsbots-prod-state/iamConsoleMfa/iam-console-mfa.json: Access Denied): what changed is unknown, so this email is sent anyway.');
    expect(log.lines.find((l) => l.message === 'changes')).toBeDefined();
  });

  it('on a dry run reads the state but writes none and sends nothing', async () => {
    memoryS3(s3);
    const { handler } = changesFunction();
    account(row('bob', false));
    const res = await run(handler, { dryRun: true });
    expect(res.delivery).toEqual({ sent: false, reason: 'dry run: nothing sent' });
    expect(res.changes?.stateSaved).toBe(false);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(res.rendered?.text).toContain('New (1)');
  });

  it('keeps the previous state when the send fails, so the next run still reports the change', async () => {
    const objects = memoryS3(s3);
    const { handler } = changesFunction();
    account(row('bob', false));
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    process.env.AWS_ENDPOINT_URL_SESV2 = 'http://127.0.0.1:1'; // nothing listens there
    try {
      await expect(run(handler)).rejects.toThrow(/email not sent/);
    } finally {
      process.env.AWS_ENDPOINT_URL_SESV2 = saved;
    }
    expect(objects.size).toBe(0);
  });
});
