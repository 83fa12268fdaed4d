import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { cliOrgRun, orgSettings } from '../../cli/org';
import { loadConfig, CONFIG_DIR } from '../../shared/config/load';
import { MemoryLog } from '../../shared/logger';
import { SAMPLE_DIR } from '../../shared/paths';
import { ownerLines } from '../../shared/org/owner-mail';

/**
 * `opsbots run --org` on the bundled sample organization (config/sample.yml names the `owner` tag): the
 * CLI's owner mail, its exit code and its `--state` folder. SES is mocked so one owner's address can fail.
 */
const ses = mockClient(SESv2Client);
afterAll(() => ses.restore());

const sample = loadConfig({ stage: 'sample', file: join(CONFIG_DIR, 'sample.yml') });
const run = (over: { sendWhen?: 'changes'; stateDir?: string } = {}) =>
  cliOrgRun({
    config: { ...sample, notify: { ...sample.notify!, ...(over.sendWhen ? { sendWhen: over.sendWhen } : {}) } },
    org: orgSettings(sample.organization, {}),
    auditIds: ['iam-console-mfa', 'iam-root-mfa'],
    dryRun: false,
    replayDir: join(SAMPLE_DIR, 'org'),
    passthrough: ['sesv2'],
    log: new MemoryLog(),
    ...(over.stateDir ? { stateDir: over.stateDir } : {}),
  });
const recipients = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses?.join(','));

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('opsbots run --org with notify.accountOwnerTag', () => {
  it('sends the organization report first, then each owner\'s part; a failed owner message is exit 4 and the others still go', async () => {
    ses.on(SendEmailCommand).callsFake((input: { Destination: { ToAddresses: string[] } }) => {
      if (input.Destination.ToAddresses.includes('dev-team@example.com')) throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
      return { MessageId: `m-${input.Destination.ToAddresses[0]}` };
    });
    const result = await run();
    expect(result.delivery.sent).toBe(true);
    // The organization report first; the owners' parts after it (sent a few at once, in any order).
    expect(recipients()[0]).toBe('security@example.com');
    expect(recipients().slice(1).sort()).toEqual(['dev-team@example.com', 'prod-team@example.com']);
    expect(result.exitCode).toBe(4);
    expect(ownerLines(result.owners ?? [])).toEqual([
      expect.stringMatching(/^owner mail sent: account 123456789012 \(acme-prod\) -> prod-team@example\.com: "\[opsbots\] acme-prod \(123456789012\) sample: /),
      expect.stringMatching(/^owner mail FAILED: account 222222222222 \(acme-dev\) -> dev-team@example\.com: MessageRejected: email not sent: SES rejected the message/),
    ]);
  }, 30_000);

  it('--state keeps each account\'s findings: an identical second run sends neither the organization report nor owner mail', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'opsbots-cli-state-'));
    const first = await run({ sendWhen: 'changes', stateDir });
    expect(first.owners?.map((o) => o.delivery?.sent)).toEqual([true, true]);
    ses.resetHistory();
    const second = await run({ sendWhen: 'changes', stateDir });
    expect(second.owners?.map((o) => (o.delivery?.sent ? 'sent' : o.delivery?.reason))).toEqual(['sendWhen=changes and nothing changed since the last run', 'sendWhen=changes and nothing changed since the last run']);
    // The organization report is judged on the same per-account states: nothing changed in any account.
    expect(second.delivery).toEqual({ sent: false, reason: 'sendWhen=changes and nothing changed since the last run' });
    expect(recipients()).toEqual([]);
    expect(second.exitCode).toBe(2);
  }, 30_000);

  it('--state: an account whose owner mail failed is not stored, so its changes are reported again next run', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'opsbots-cli-state-'));
    ses.on(SendEmailCommand).callsFake((input: { Destination: { ToAddresses: string[] } }) => {
      if (input.Destination.ToAddresses.includes('dev-team@example.com')) throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
      return { MessageId: 'm-1' };
    });
    const first = await run({ sendWhen: 'changes', stateDir });
    expect(first.exitCode).toBe(4);
    expect(existsSync(join(stateDir, 'accounts', '123456789012', 'iam-console-mfa.json'))).toBe(true);
    expect(existsSync(join(stateDir, 'accounts', '222222222222', 'iam-console-mfa.json'))).toBe(false);
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const second = await run({ sendWhen: 'changes', stateDir });
    expect(second.changes?.accounts?.filter((a) => a.changes.firstRun.length > 0).map((a) => a.account)).toEqual(['222222222222']);
    expect(recipients()).toEqual(['security@example.com', 'dev-team@example.com']);
  }, 30_000);
});
