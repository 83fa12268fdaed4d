import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { auditHandler, auditRuntime, type AuditResult } from '../shared/handler';
import { definition as consoleMfa } from '../functions/iam-console-mfa';
import { Clients } from '../shared/aws/clients';
import { MemoryLog } from '../shared/logger';
import { ConfigError, NotifyError } from '../shared/errors';
import { buildConfig, listedUsers } from './builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const ses = mockClient(SESv2Client);
const CSV = 'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\nbob,arn:aws:iam::123456789012:user/bob,2024-01-01T00:00:00+00:00,true,N/A,false,false,false\n';
const notify = { from: 'bots@example.com', to: ['sec@example.com'] };

function handlerWith(config = buildConfig({ notify, account: { alias: 'acme' } })) {
  const log = new MemoryLog();
  const handler = auditHandler(consoleMfa, () => auditRuntime({}, consoleMfa.audits, { config, clients: new Clients({ maxAttempts: 1 }), log }));
  return { handler, log };
}

const awsCalls = () => iam.calls().length + sts.calls().length + ses.calls().length;

beforeEach(() => {
  iam.reset();
  sts.reset();
  ses.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/x' });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from(CSV), GeneratedTime: new Date() });
  iam.on(ListUsersCommand).resolves(listedUsers(['bob']));
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('handler seam: audit functions', () => {
  it('returns at once on the warmer marker, touching no AWS API, and says it was cold', async () => {
    const { handler } = handlerWith();
    expect(await handler({ source: 'opsbots.warmer' })).toEqual({ warmup: true, cold: true });
    expect(await handler({ source: 'opsbots.warmer' })).toEqual({ warmup: true, cold: false });
    expect(awsCalls()).toBe(0);
  });

  it('rejects a malformed event naming the field, before any AWS call', async () => {
    const { handler } = handlerWith();
    await expect(handler({ dryRun: 'yes' })).rejects.toThrow(/dryRun/);
    await expect(handler({ dryRun: true, settings: { 'iam-console-mfa': { graceDays: -1 } } })).rejects.toThrow(ConfigError);
    await expect(handler({ settings: { 'other-audit': {} } })).rejects.toThrow(/settings\.other-audit/);
    expect(awsCalls()).toBe(0);
  });

  it('fails at cold start on a bad environment, before any AWS call', async () => {
    const handler = auditHandler(consoleMfa, () => auditRuntime({ OPSBOTS_STAGE: 'dev', OPSBOTS_CONFIG: '{"regions":["nowhere"]}' }, consoleMfa.audits));
    await expect(handler({ dryRun: true })).rejects.toThrow(/regions\.0/);
    expect(awsCalls()).toBe(0);
  });

  it('on a dry run returns the rendered report and sends nothing', async () => {
    const { handler } = handlerWith();
    const res = (await handler({ dryRun: true })) as AuditResult;
    expect(res).toMatchObject({ state: 'findings', dryRun: true, counts: { FAIL: 1 }, delivery: { sent: false } });
    expect(res.rendered?.subject).toBe('[opsbots] [dry run] acme test: 1 FAIL');
    expect(res.rendered?.html).toContain('bob');
    expect(ses.calls()).toHaveLength(0);
  });

  it('on a scheduled run sends one email and returns the message id', async () => {
    const { handler, log } = handlerWith();
    const res = (await handler({ source: 'opsbots.schedule' })) as AuditResult;
    expect(res.delivery).toMatchObject({ sent: true, messageId: 'm-1', to: ['sec@example.com'] });
    expect(res.rendered).toBeUndefined();
    expect(ses.calls()).toHaveLength(1);
    // One log line with the wall time of every phase, delivery included.
    const delivered = log.lines.find((l) => l.message === 'delivered')?.data[0] as { sent: boolean; timings: Record<string, number> };
    expect(delivered).toMatchObject({ sent: true });
    expect(Object.keys(delivered.timings)).toEqual(['collect', 'evaluate', 'act', 'render', 'notify']);
  });

  it('reports incomplete, never clean, when the credential report is denied', async () => {
    iam.on(GetCredentialReportCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const { handler } = handlerWith();
    const res = (await handler({ dryRun: true })) as AuditResult;
    expect(res.state).toBe('incomplete');
    // The report, and the ListUsers cross-check that depends on it: two sources not read, nothing passed.
    expect(res.counts).toMatchObject({ ERROR: 2, PASS: 0 });
    expect(res.subject).toMatch(/incomplete/);
  });

  it('fails the invocation on a send failure after logging the report', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    const { handler, log } = handlerWith();
    await expect(handler({})).rejects.toThrow(NotifyError);
    await expect(handler({})).rejects.toThrow(/sandbox/);
    expect(log.lines.map((l) => l.message)).toEqual(expect.arrayContaining(['report', 'delivery failed']));
  });
});
