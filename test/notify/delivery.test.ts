import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { Clients } from '../../shared/aws/clients';
import { deliverReport, type Delivered } from '../../shared/deliver';
import { NotifyError } from '../../shared/errors';
import { MemoryLog } from '../../shared/logger';
import { buildConfig } from '../builders';
import { localEndpoint } from '../aws/local-endpoint';
import { f, report, sg, sourceErrorFinding, TWO_AUDITS } from '../reports/fixtures';
import { useLocalSes } from './local-ses';
import { FINDINGS_SCHEMA_VERSION } from '../../reports/envelope';

const ses = useLocalSes();
const notify = { from: 'opsbots@example.com', to: ['sec@example.com', 'ops@example.com'], cc: ['audit@example.com'], replyTo: ['owners@example.com'], attachJson: true };
const sent = (d: Delivered) => {
  if (!d.delivery.sent) throw new Error(`not sent: ${d.delivery.reason}`);
  return d.delivery;
};

describe('delivery: through a real local SES server', () => {
  const evil = 'team, "ops"\nsecond line';
  const findings = [f({}), sg('sg-1', { evidence: { tag: evil } }), sourceErrorFinding('ec2-open-security-groups', 'ec2.securityGroups', 'ap-southeast-2')];
  const r = report(findings, { notEvaluated: [{ source: 'ec2.securityGroups', region: 'ap-southeast-2', code: 'UnauthorizedOperation', message: 'denied' }] }, TWO_AUDITS);

  it('sends one multipart message with subject, recipients, HTML and text parts, CSV and JSON attachments', async () => {
    const d = await deliverReport({ config: buildConfig({ notify }), report: r, clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    const stored = await ses.stored(sent(d).messageId);
    expect(stored.subject).toBe('[opsbots] 123456789012 prod: 2 FAIL, incomplete (1 region unreadable)');
    expect(stored.from).toBe('opsbots@example.com');
    expect(stored.destination).toEqual({ to: ['sec@example.com, ops@example.com'], cc: ['audit@example.com'], bcc: [] });
    expect(stored.replyTo).toEqual(['owners@example.com']);
    expect(stored.body.html).toContain('Incomplete: not evaluated');
    expect(stored.body.text).toContain('[FAIL/critical] sg-1');
    const csv = stored.attachments.find((a) => a.filename === 'findings.csv');
    const rows = parse(Buffer.from(csv?.content ?? '', 'base64'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.status, x.resourceId])).toEqual([['ERROR', 'ec2.securityGroups'], ['FAIL', 'sg-1'], ['FAIL', 'bob']]);
    expect(JSON.parse(rows[1]?.evidence ?? '{}')).toEqual({ tag: evil });
    const json = stored.attachments.find((a) => a.filename === 'findings.json');
    expect(JSON.parse(Buffer.from(json?.content ?? '', 'base64').toString())).toMatchObject({ schemaVersion: FINDINGS_SCHEMA_VERSION, stage: 'prod', state: 'incomplete', findings: [{ status: 'ERROR' }, { resourceId: 'sg-1' }, { resourceId: 'bob' }] });
    // the exact MIME SES accepted: both alternative parts and the attachments
    const mail = await simpleParser(d.eml ?? Buffer.alloc(0));
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });
    expect(mail.html).toContain('sg-1');
    expect(mail.text).toContain('sg-1');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['findings.csv', 'text/csv'], ['findings.json', 'application/json']]);
  });

  it('sends an audit\'s own recipients when the function runs that one audit', async () => {
    const config = buildConfig({ notify, audits: { 'iam-console-mfa': { to: ['iam-team@example.com'] } } });
    const d = await deliverReport({ config, report: report([f({})]), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect((await ses.stored(sent(d).messageId)).destination.to).toEqual(['iam-team@example.com']);
  });

  it('sends nothing on a dry run but returns the message it would have sent', async () => {
    const d = await deliverReport({ config: buildConfig({ notify }), report: r, clients: new Clients({ maxAttempts: 1 }), dryRun: true });
    expect(d.delivery).toEqual({ sent: false, reason: 'dry run: nothing sent' });
    expect((await simpleParser(d.eml ?? Buffer.alloc(0))).subject).toBe('[opsbots] 123456789012 prod: 2 FAIL, incomplete (1 region unreadable)');
  });

  it('with sendWhen findings, stays quiet on a clean report', async () => {
    const d = await deliverReport({ config: buildConfig({ notify: { ...notify, sendWhen: 'findings' } }), report: report([f({ status: 'PASS' })]), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect(d.delivery).toEqual({ sent: false, reason: 'sendWhen=findings and the report is clean' });
  });

  it('fits a large report under the size limit: top findings in the bodies, the CSV cut with a note, the JSON left out', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => f({ resourceId: `user${i}`, resource: `arn:aws:iam::123456789012:user/user${i}`, evidence: { padding: 'x'.repeat(100) } }));
    const log = new MemoryLog();
    const maxBytes = 200_000;
    const d = await deliverReport({ config: buildConfig({ notify }), report: report(many), clients: new Clients({ maxAttempts: 1 }), dryRun: false, maxBytes, log });
    expect(sent(d).bytes).toBeLessThanOrEqual(maxBytes);
    expect(d.trimmed?.topPerAudit).toBe(25);
    const stored = await ses.stored(sent(d).messageId);
    expect(stored.body.html).toContain('<b>2975 more in the attachment</b>');
    const included = d.trimmed?.cut?.included ?? 0;
    expect(included).toBeGreaterThan(25);
    expect(included).toBeLessThan(3000);
    expect(stored.body.text).toContain(`findings.csv holds the first ${included} of 3000 findings`);
    expect(stored.body.text).toContain('findings.json (the CSV holds the same findings) left out.');
    expect(stored.attachments.map((a) => a.filename)).toEqual(['findings.csv']);
    const rows = parse(Buffer.from(stored.attachments[0]?.content ?? '', 'base64'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(included + 1);
    expect(rows.at(-1)?.reason).toMatch(new RegExp(`^CUT: ${3000 - included} of 3000 findings not included`));
    expect(log.lines.find((l) => l.level === 'warn')?.message).toBe('report trimmed to fit the message size limit');
    // what is kept for files (the CLI's --out) and the dry-run result stays complete
    expect(parse(d.rendered.csv, { columns: true })).toHaveLength(3000);
  });

  it('keeps the full report when it fits', async () => {
    const d = await deliverReport({ config: buildConfig({ notify }), report: report([f({})]), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect(d.trimmed).toBeUndefined();
  });
});

describe('delivery: SES region and failures', () => {
  it('signs the send for the configured SES region, not the audited or deploy region', async () => {
    const seen: string[] = [];
    const endpoint = await localEndpoint((req) => {
      seen.push(String(req.headers.authorization));
      return { status: 200, body: '{"MessageId":"m-1"}', headers: { 'content-type': 'application/json' } };
    });
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    process.env.AWS_ENDPOINT_URL_SESV2 = endpoint.url;
    try {
      const config = buildConfig({ region: 'us-east-1', notify: { ...notify, sesRegion: 'eu-west-1' } });
      const d = await deliverReport({ config, report: report([f({})]), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
      expect(d.delivery).toMatchObject({ sent: true, messageId: 'm-1' });
      expect(seen[0]).toMatch(/Credential=[^/]+\/\d{8}\/eu-west-1\/ses\/aws4_request/);
    } finally {
      process.env.AWS_ENDPOINT_URL_SESV2 = saved;
      await endpoint.close();
    }
  });

  it('turns a rejected send into a NotifyError naming the cause', async () => {
    const endpoint = await localEndpoint(() => ({ status: 400, body: '{"message":"Email address is not verified."}', headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' } }));
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    process.env.AWS_ENDPOINT_URL_SESV2 = endpoint.url;
    try {
      const run = deliverReport({ config: buildConfig({ notify }), report: report([f({})]), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
      await expect(run).rejects.toThrow(NotifyError);
      await expect(deliverReport({ config: buildConfig({ notify }), report: report([f({})]), clients: new Clients({ maxAttempts: 1 }), dryRun: false })).rejects.toThrow(
        'email not sent: SES rejected the message (in the SES sandbox every recipient must be verified): Email address is not verified.',
      );
    } finally {
      process.env.AWS_ENDPOINT_URL_SESV2 = saved;
      await endpoint.close();
    }
  });
});
