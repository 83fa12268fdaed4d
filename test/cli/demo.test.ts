import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { demo } from '../../cli/demo';

describe('npm run demo', () => {
  it('runs every audit on the sample, writes the report files and delivers the email to a local SES server', async () => {
    const out = mkdtempSync(join(tmpdir(), 'opsbots-demo-'));
    const printed: string[] = [];
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    try {
      expect(await demo({ out, print: (s) => printed.push(s) })).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SESV2;
      else process.env.AWS_ENDPOINT_URL_SESV2 = saved;
    }
    for (const f of ['report.html', 'report.txt', 'findings.csv', 'findings.json', 'report.eml']) expect(existsSync(join(out, f))).toBe(true);
    expect(printed.join('\n')).toMatch(/iam-console-mfa\s+2\s+2\s+0\s+3\s+1/);
    expect(printed.join('\n')).toMatch(/iam-root-mfa\s+1\s+0\s+0\s+1/);
    expect(printed.join('\n')).toMatch(/iam-access-key-age\s+3\s+2\s+0\s+5/);
    expect(printed.join('\n')).toMatch(/iam-unused-credentials\s+3\s+0\s+0\s+8\s+1/);
    expect(printed.join('\n')).toMatch(/certificate-expiry\s+7\s+7\s+1\s+4/);
    expect(printed.join('\n')).toContain('not evaluated: acm.certificates in ap-southeast-2: AccessDeniedException');
    const mail = await simpleParser(readFileSync(join(out, 'report.eml')));
    expect(printed.join('\n')).toMatch(/ec2-required-tags\s+18\s+2\s+1\s+4\s+2/);
    expect(mail.text).toContain('stop i-0a00000000000000a (us-east-1): done');
    expect(mail.text).toContain('tagged opsbots:action=stop@2026-11-22');
    expect(mail.subject).toBe('[opsbots] acme-prod sample: 51 FAIL, 15 WARN, incomplete (1 region unreadable)');
    // FAIL WARN ERROR PASS suppressed per audit; ap-southeast-2 denies EC2, so the run is incomplete
    expect(printed.join('\n')).toMatch(/ec2-open-security-groups\s+17\s+2\s+2\s+3\s+0/);
    expect(printed.join('\n')).toContain('not evaluated: ec2.securityGroups in ap-southeast-2: UnauthorizedOperation');
    expect(mail.text).toContain('pl-0b1c2d3e4f5a6b7c8 (contains 0.0.0.0/0)');
    // The sample enables key deactivation for iam-unused-credentials: the two unsuppressed unused keys.
    expect(mail.text).toMatch(/deactivate access key AKIABOBKEY0000000002 \(global\): done/);
    expect(mail.text).toMatch(/deactivate access key AKIAOLDSVC0000000001 \(global\): done/);
    // Every change the demo makes is printed with the command that undoes it, and the email says the same.
    const printedText = printed.join('\n');
    expect(printedText).toContain('  - deactivate access key AKIAOLDSVC0000000001 (global): done: deactivate access key done\n      undo: aws iam update-access-key --user-name old-svc --access-key-id AKIAOLDSVC0000000001 --status Active');
    expect(printedText).toMatch(/stop i-0a00000000000000a \(us-east-1\): done: stop done\n {6}undo: aws ec2 start-instances --instance-ids i-0a00000000000000a --region us-east-1/);
    expect(printedText).toContain(`undo: aws ec2 delete-tags --region us-east-1 --resources i-0a000000000000001 --tags '[{"Key":"opsbots:action","Value":"stop@2026-11-22"}]'`);
    expect(mail.text).toContain('      undo: aws iam update-access-key --user-name old-svc --access-key-id AKIAOLDSVC0000000001 --status Active');
    expect(mail.html).toContain('bob');
    expect(mail.text).toContain('bob');
    // --stats' figures: wall time for every phase, the send to the local SES server included.
    const phases = Object.fromEntries([...printed.join('\n').matchAll(/^  (collect|evaluate|act|render|notify)\s+([\d.]+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(phases)).toEqual(['collect', 'evaluate', 'act', 'render', 'notify']);
    expect(phases.render).toBeGreaterThan(0);
    expect(phases.notify).toBeGreaterThan(0);
    // Then the sample organization: one report, each account named with whether it was audited.
    expect(printed.join('\n')).toContain('333333333333  acme-legacy       NOT AUDITED: could not assume arn:aws:iam::333333333333:role/OpsbotsAudit: AccessDenied');
    const orgText = readFileSync(join(out, 'org', 'report.txt'), 'utf8');
    expect(orgText).toMatch(/^\[opsbots\] organization o-a1b2c3d4e5 sample: \d+ FAIL, \d+ WARN, incomplete \(1 account not audited\)/);
    expect(orgText).toContain('444444444444  acme-old-sandbox  [Root / Sandbox]  skipped: account SUSPENDED');
    // config/sample.yml names the owner tag: the tagged members' owners got their part, the bad tag is a warning.
    expect(orgText).toMatch(/OWNER MAIL \(account tag owner: each account's part to its owner\)\n {2}123456789012 acme-prod -> prod-team@example\.com\n {2}222222222222 acme-dev -> dev-team@example\.com\n {2}WARNING: account 333333333333 \(acme-legacy\): tag owner holds "legacy team", not one email address: no owner mail/);
    expect(printedText).toContain('owner mail sent: account 222222222222 (acme-dev) -> dev-team@example.com: "[opsbots] acme-dev (222222222222) sample: ');
    expect(printedText).toContain('owner tag warning: account 333333333333 (acme-legacy): tag owner holds "legacy team"');
    const csv = mail.attachments.find((a) => a.filename === 'findings.csv');
    expect(csv?.content.toString()).toContain('arn:aws:iam::123456789012:user/bob');
  });
});
