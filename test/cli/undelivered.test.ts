import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { Clients } from '../../shared/aws/clients';
import { deliverReport, type Ready } from '../../shared/deliver';
import { buildConfig } from '../builders';
import { f, report } from '../reports/fixtures';
import { opsbots } from './invoke';

const SAMPLE_CONFIG = join('config', 'sample.yml');

describe('cli: nothing is lost when delivery fails', () => {
  it('writes every file and prints the summary before it sends; a failed send is exit 4 and one short line', async () => {
    // Not a dry run: the sample replay has no SES answer, so the send fails after remediation ran.
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-undelivered-'));
    const json = join(dir, 'findings.json');
    const r = await opsbots('run', 'all', '--replay', 'sample', '--config', SAMPLE_CONFIG, '--out', join(dir, 'out'), '--json', json);
    expect(r.code).toBe(4);
    for (const name of ['report.html', 'report.txt', 'findings.csv', 'findings.json', 'message.eml']) expect(existsSync(join(dir, 'out', name))).toBe(true);
    expect(r.stdout).toMatch(/iam-unused-credentials\s+3\s+0\s+0\s+8\s+1/);
    expect(r.stdout).toMatch(/^state: incomplete/m);
    expect(r.stdout).toContain(`wrote ${join(dir, 'out', 'report.html')}`);
    // The changes already made are in the files, each with its undo.
    const envelope = JSON.parse(readFileSync(json, 'utf8')) as { actions: { resourceId: string; outcome: string; undo?: { command?: string } }[] };
    expect(envelope.actions.find((a) => a.resourceId === 'AKIABOBKEY0000000002')).toMatchObject({ outcome: 'done', undo: { command: 'aws iam update-access-key --user-name bob --access-key-id AKIABOBKEY0000000002 --status Active' } });
    expect(r.stdout).toContain('      undo: aws iam update-access-key --user-name bob --access-key-id AKIABOBKEY0000000002 --status Active');
    // stderr: one line naming the cause, never the message body (it was 725 KB of a JSON byte array).
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^opsbots: report produced but not delivered: email not sent: NotRecorded: no recorded response for sesv2:SendEmail in us-east-1/)]);
    expect(r.stderr.length).toBeLessThan(400);
    expect(r.stderr).not.toMatch(/Subject|"data"|\d+,\d+,\d+/);
    expect(r.stdout).not.toMatch(/email sent/);
  }, 60_000);

  it('says exit code 4 in the run help', async () => {
    const help = await opsbots('run', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('exit 0 clean, 1 findings, 2 incomplete, 3 bad input, 4 produced but not delivered');
  }, 30_000);
});

describe('delivery: outputs before the send', () => {
  const ses = mockClient(SESv2Client);
  afterAll(() => ses.restore());

  it('hands the rendered report and the message to beforeSend, then sends; a failed send comes after', async () => {
    const events: string[] = [];
    ses.on(SendEmailCommand).callsFake(() => {
      events.push('send');
      throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    });
    const config = buildConfig({ notify: { from: 'opsbots@example.com', to: ['sec@example.com'] } });
    let ready: Ready | undefined;
    const beforeSend = (r: Ready) => {
      events.push('ready');
      ready = r;
    };
    await expect(deliverReport({ config, report: report([f()]), clients: new Clients({ maxAttempts: 1 }), dryRun: false, beforeSend })).rejects.toMatchObject({ code: 'MessageRejected' });
    expect(events).toEqual(['ready', 'send']);
    expect(ready?.rendered.text).toContain('bob');
    expect(ready?.eml?.toString()).toContain('Subject: [opsbots]');
  });
});
