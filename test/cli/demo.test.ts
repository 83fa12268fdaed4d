import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { spawnSync } from 'node:child_process';
import { demo } from '../../cli/demo';

const SAMPLE = join(__dirname, '..', '..', 'sample');

/** A security group rule as the sample recording has it (DescribeSecurityGroupRules, every page). */
function recordedRule(region: string, ruleId: string): Record<string, unknown> {
  const pages = JSON.parse(readFileSync(join(SAMPLE, 'ec2', region, 'DescribeSecurityGroupRules.json'), 'utf8')) as { output: { SecurityGroupRules: { SecurityGroupRuleId: string }[] } }[];
  const rule = pages.flatMap((p) => p.output.SecurityGroupRules).find((r) => r.SecurityGroupRuleId === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId} in the ${region} recording`);
  return rule;
}

/** The arguments `aws` receives when `command` is pasted into bash (`aws` replaced by a function that prints them). */
function awsArgv(command: string): string[] {
  const run = spawnSync('bash', ['-c', 'aws() { printf "%s\\0" "$@"; }; eval "$1"', 'bash', command], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bash could not run ${command}: ${run.stderr}`);
  return run.stdout.split('\0').slice(0, -1);
}

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
    // The sample revokes postgres-mixed's world-open 5432 in both readable regions (its 10.0.0.0/8 rule stays);
    // each revoke is printed with a command that, pasted into a shell, re-authorizes exactly the revoked rule.
    for (const [region, groupId, ruleId] of [['us-east-1', 'sg-ebd817282962eb4b8', 'sgr-fe9ea5a7b45245510'], ['eu-west-1', 'sg-39dd61b9fd7f40099', 'sgr-ee36bf97e77488834']] as const) {
      const undo = new RegExp(`  - revoke-ingress ${groupId} \\(${region}\\): done: revoked tcp 5432 from 0\\.0\\.0\\.0/0 .*\\[${ruleId}\\]\n {6}undo: (.+)`).exec(printedText)?.[1];
      if (undo === undefined) throw new Error(`no revoke of ${groupId} (${region}) with its undo in the demo output`);
      expect(mail.text).toContain(`undo: ${undo}`);
      const rule = recordedRule(region, ruleId);
      expect(rule).toMatchObject({ GroupId: groupId, CidrIpv4: '0.0.0.0/0', IsEgress: false });
      const argv = awsArgv(undo);
      expect(argv).toEqual(['ec2', 'authorize-security-group-ingress', '--region', region, '--group-id', groupId, '--ip-permissions', expect.any(String)]);
      expect(JSON.parse(argv[7] ?? '')).toEqual([{ IpProtocol: rule.IpProtocol, FromPort: rule.FromPort, ToPort: rule.ToPort, IpRanges: [{ CidrIp: rule.CidrIpv4, Description: rule.Description }] }]);
    }
    // A demo shows changes, not failures: every remediation it attempts has a recorded answer.
    expect(printed.join('\n')).not.toMatch(/: failed: /);
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
