import { mockClient } from 'aws-sdk-client-mock';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { auditHandler, auditRuntime, type AuditResult } from '../../shared/handler';
import { definition as consoleMfa } from '../../functions/iam-console-mfa';
import { definition as digest } from '../../functions/digest';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { ConfigError } from '../../shared/errors';
import { digestAuditIds, digestRecipients } from '../../shared/digest';
import { S3StateStore } from '../../shared/state/store';
import { recipients } from '../../shared/deliver';
import { buildConfig, listedUsers } from '../builders';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const ses = mockClient(SESv2Client);
const notify = { from: 'bots@example.com', to: ['sec@example.com'] };
const env = (config: object) => ({ OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify(config) });

beforeEach(() => {
  for (const m of [iam, sts, ses]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/x' });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iam.on(GetCredentialReportCommand).resolves({ Content: Buffer.from('user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\nbob,arn:aws:iam::123456789012:user/bob,2024-01-01T00:00:00+00:00,true,N/A,false,false,false\n'), GeneratedTime: new Date() });
  iam.on(ListUsersCommand).resolves(listedUsers(['bob']));
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('notify settings: validated at cold start', () => {
  it.each([
    [{ ...notify, cc: ['not-an-address'] }, 'notify.cc.0'],
    [{ ...notify, replyTo: ['a@'] }, 'notify.replyTo.0'],
    [{ ...notify, to: [] }, 'notify.to'],
    [{ ...notify, from: 'bots' }, 'notify.from'],
    [{ ...notify, sendWhen: 'sometimes' }, 'notify.sendWhen'],
    [{ ...notify, sesRegion: 'mars-1' }, 'notify.sesRegion'],
  ])('rejects %j naming %s, before any AWS call', async (bad, field) => {
    const handler = auditHandler(consoleMfa, () => auditRuntime(env({ notify: bad }), consoleMfa.audits));
    const error = await handler({ dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.field)).toContain(field);
    expect(iam.calls().length + sts.calls().length + ses.calls().length).toBe(0);
  });

  it('rejects a digest without a notify block, and a bad digest address', () => {
    expect(() => buildConfig({ digest: {} })).toThrow('digest: needs a notify block');
    expect(() => buildConfig({ notify, digest: { to: ['nope'] } })).toThrow(/digest\.to\.0/);
  });

  it('rejects an audit\'s own recipients without a notify block, and a bad one naming the field', () => {
    expect(() => buildConfig({ audits: { 'iam-console-mfa': { to: ['iam-team@example.com'] } } })).toThrow('audits.iam-console-mfa.to: needs a notify block');
    expect(() => buildConfig({ notify, audits: { 'iam-console-mfa': { to: ['nope'] } } })).toThrow(/audits\.iam-console-mfa\.to\.0/);
    expect(() => buildConfig({ notify, audits: { 'iam-console-mfa': { to: [] } } })).toThrow(/audits\.iam-console-mfa\.to/);
  });

  it('builds the state store from the deploy\'s environment only when both bucket and prefix are set', () => {
    const config = { notify: { ...notify, sendWhen: 'changes' } };
    expect(auditRuntime({ ...env(config), OPSBOTS_STATE_BUCKET: 'b-1', OPSBOTS_STATE_PREFIX: 'iamConsoleMfa' }, consoleMfa.audits).state).toBeInstanceOf(S3StateStore);
    expect(auditRuntime(env(config), consoleMfa.audits).state).toBeUndefined();
    expect(() => auditRuntime({ ...env(config), OPSBOTS_STATE_BUCKET: 'b-1', OPSBOTS_STATE_PREFIX: '../other' }, consoleMfa.audits)).toThrow(/OPSBOTS_STATE_PREFIX/);
  });
});

describe('handler seam: recipients per audit', () => {
  it('sends an audit function\'s email to that audit\'s own `to`, and another audit\'s to the stage\'s', async () => {
    const config = buildConfig({ notify, audits: { 'iam-console-mfa': { to: ['iam-team@example.com'] }, 'iam-root-mfa': {} } });
    const runtime = () => auditRuntime({}, consoleMfa.audits, { config, clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog() });
    const own = (await auditHandler(consoleMfa, runtime)({ source: 'opsbots.schedule' })) as AuditResult;
    expect(own.delivery).toMatchObject({ sent: true, to: ['iam-team@example.com'] });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Destination?.ToAddresses).toEqual(['iam-team@example.com']);
    expect(recipients(config, ['iam-root-mfa'])).toEqual(['sec@example.com']);
    // A function running several audits cannot pick one audit's list: the stage's.
    expect(recipients(config, ['iam-console-mfa', 'iam-root-mfa'])).toEqual(['sec@example.com']);
  });
});

describe('handler seam: the digest', () => {
  const config = buildConfig({ notify, digest: { to: ['digest@example.com'] }, audits: { 'iam-console-mfa': { to: ['iam-team@example.com'] } } });

  it('runs every deployed audit and sends one email to the digest\'s recipients', async () => {
    expect(digestAuditIds(config)).toEqual(['iam-console-mfa']);
    const handler = auditHandler(digest, () => auditRuntime({}, digest.audits, { config, clients: new Clients({ maxAttempts: 1 }), log: new MemoryLog() }));
    const res = (await handler({ source: 'opsbots.schedule' })) as AuditResult;
    expect(res.delivery).toMatchObject({ sent: true, to: ['digest@example.com'] });
    expect(ses.calls()).toHaveLength(1);
    const raw = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Raw?.Data;
    const mail = await simpleParser(Buffer.from(raw ?? new Uint8Array()));
    expect(mail.subject).toBe('[opsbots] 123456789012 test: 1 FAIL');
    expect(mail.text).toContain('iam-console-mfa: Console users without MFA -- 1 FAIL');
  });

  it('falls back to the stage\'s recipients without its own', () => {
    expect(digestRecipients(buildConfig({ notify, digest: {} }))).toEqual(['sec@example.com']);
  });
});
