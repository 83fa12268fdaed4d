import { parse } from 'csv-parse/sync';
import { render } from '../../reports/index';
import { findingsCsvCut } from '../../reports/csv';
import { diffFindings } from '../../shared/state/diff';
import { snapshotOf } from '../../shared/state/snapshot';
import { TWO_AUDITS, f, report, sg, sourceErrorFinding } from './fixtures';

const pos = (s: string, needle: string) => {
  const i = s.indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i;
};

describe('reports: layout of the email', () => {
  const findings = [
    f({ resourceId: 'carol', resource: 'arn:aws:iam::123456789012:user/carol', status: 'WARN', severity: 'high', reason: 'new user, grace period' }),
    sg('sg-low', { severity: 'low', reason: 'port 8080 open' }),
    f({}),
    sg('sg-crit'),
    f({ status: 'PASS', resourceId: 'dave', resource: 'arn:aws:iam::123456789012:user/dave' }),
  ];
  const r = render(report(findings, {}, TWO_AUDITS));

  it('groups FAIL and WARN findings by audit in registry order, then by severity, most severe first', () => {
    for (const body of [r.html, r.text]) {
      expect(pos(body, 'iam-console-mfa: Console users')).toBeLessThan(pos(body, 'ec2-open-security-groups: Security groups'));
      expect(pos(body, 'sg-crit')).toBeLessThan(pos(body, 'sg-low'));
    }
    expect(pos(r.html, '>critical (1)</h3>')).toBeLessThan(pos(r.html, '>low (1)</h3>'));
    expect(r.text).toMatch(/ec2-open-security-groups: .*\n critical \(1\)\n {2}- \[FAIL\/critical\] sg-crit[\s\S]* low \(1\)\n {2}- \[FAIL\/low\] sg-low/);
  });

  it('shows PASS findings as counts only', () => {
    expect(r.html).not.toContain('dave');
    expect(r.text).not.toContain('dave');
    expect(r.text).toContain('iam-console-mfa: Console users without MFA -- 1 FAIL, 1 WARN, 0 ERROR, 1 PASS');
  });

  it('gives each resource a link to its console page', () => {
    expect(r.html).toContain('href="https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-crit"');
    expect(r.text).toContain('console: https://console.aws.amazon.com/iam/home#/users/details/bob?section=security_credentials');
  });

  it('escapes <script>, & and both quotes everywhere, attributes included', () => {
    const evil = `<script>alert("x")</script> & 'q'`;
    const h = render(report([sg(evil, { reason: evil, evidence: { name: evil } })], {}, TWO_AUDITS)).html;
    expect(h).not.toMatch(/<script>/i);
    expect(h).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    // in the link the id is URL-encoded, then HTML-escaped: no quote can close the href
    expect(h).toContain('groupId=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E%20%26%20&#39;q&#39;');
    expect(h.match(/href="[^"]*"/g)?.every((a) => !a.includes('<'))).toBe(true);
  });
});

describe('reports: incomplete banner', () => {
  const ne = [{ source: 'ec2.securityGroups', region: 'ap-southeast-2', code: 'UnauthorizedOperation', message: 'You are not authorized' }];
  const r = render(report([f({}), sourceErrorFinding('ec2-open-security-groups', 'ec2.securityGroups', 'ap-southeast-2')], { notEvaluated: ne }, TWO_AUDITS));

  it('comes first, before the summary and every FAIL, naming what was not evaluated and why', () => {
    expect(r.subject).toBe('[opsbots] 123456789012 prod: 1 FAIL, incomplete (1 region unreadable)');
    expect(pos(r.html, 'Incomplete: not evaluated')).toBeLessThan(pos(r.html, '>Summary<'));
    expect(pos(r.html, 'Incomplete: not evaluated')).toBeLessThan(pos(r.html, '>bob<'));
    expect(r.html).toContain('<b>ec2.securityGroups</b> in <b>ap-southeast-2</b> (ec2-open-security-groups): UnauthorizedOperation: You are not authorized');
    expect(pos(r.text, 'INCOMPLETE')).toBeLessThan(pos(r.text, 'Account:'));
    expect(r.text).toContain('  * ec2.securityGroups in ap-southeast-2 (ec2-open-security-groups): UnauthorizedOperation: You are not authorized');
  });

  it('says each unread source once, and lists in full only ERROR findings no unread source explains', () => {
    const odd = sourceErrorFinding('iam-console-mfa', 'iam.credentialReport', 'global');
    const two = render(report([sourceErrorFinding('ec2-open-security-groups', 'ec2.securityGroups', 'ap-southeast-2'), odd], { notEvaluated: ne }, TWO_AUDITS));
    expect(two.text.match(/ec2\.securityGroups in ap-southeast-2/g)).toHaveLength(1);
    expect(two.text).toContain('[ERROR/high] iam.credentialReport (global)');
    expect(two.html).toContain('>iam.credentialReport<');
  });

  it('is absent from a complete report', () => {
    const clean = render(report([f({})]));
    expect(clean.html).not.toContain('Incomplete');
    expect(clean.text).not.toContain('INCOMPLETE');
  });
});

describe('reports: suppressed section', () => {
  it('lists suppressed findings apart with the exemption, reason and expiry, and keeps them out of the groups', () => {
    const r = render(report([f({ suppressed: { by: 'iam-console-mfa:global:bob', reason: 'leaving Friday', expires: '2026-12-01' } }), f({ resourceId: 'eve' })]));
    expect(r.html).toContain('<h2 style="font-size:16px;margin:18px 0 6px">Suppressed (1)</h2><ul><li>iam-console-mfa bob (FAIL) by <code>iam-console-mfa:global:bob</code>: leaving Friday (until 2026-12-01)</li></ul>');
    expect(r.html).toContain('>high (1)</h3>');
    expect(r.subject).toBe('[opsbots] 123456789012 prod: 1 FAIL');
  });
});

describe('reports: what changed since the last run', () => {
  const before = [f({}), f({ resourceId: 'zed', resource: 'arn:aws:iam::123456789012:user/zed' })];
  const previous = [{ auditId: 'iam-console-mfa', kind: 'found' as const, snapshot: snapshotOf('prod', 'iam-console-mfa', before, '2026-11-19T08:00:00.000Z') }];

  it('lists new and resolved findings with the previous run\'s time', () => {
    const now = [f({}), f({ resourceId: 'amy', resource: 'arn:aws:iam::123456789012:user/amy' })];
    const r = render(report(now), { changes: diffFindings(now, previous, ['eu-west-1']) });
    expect(r.html).toContain('Since the last run (2026-11-19T08:00:00.000Z)');
    expect(r.text).toMatch(/New \(1\)\n {2}- \[FAIL\/high\] amy/);
    expect(r.text).toMatch(/Resolved \(1\)\n {2}- iam-console-mfa zed \(global\): was FAIL: no MFA/);
  });

  it('says when the previous state could not be read and that the email is sent anyway', () => {
    const r = render(report([f({})]), { changes: diffFindings([f({})], [{ auditId: 'iam-console-mfa', kind: 'unreadable', code: 'AccessDenied', message: 's3://b/k: denied' }], ['eu-west-1']) });
    expect(r.text).toContain('Previous state of iam-console-mfa could not be read (AccessDenied: s3://b/k: denied): what changed is unknown, so this email is sent anyway.');
    expect(r.html).toContain('could not be read</b> (AccessDenied');
  });
});

describe('reports: size cut-off', () => {
  const many = Array.from({ length: 60 }, (_, i) => f({ resourceId: `user${String(i).padStart(2, '0')}`, resource: `arn:aws:iam::123456789012:user/user${i}` }));

  it('lists the top findings per audit and says how many more are in the attachment', () => {
    const r = render(report(many), { topPerAudit: 25 });
    expect(r.html).toContain('user24');
    expect(r.html).not.toContain('>user25<');
    expect(r.html).toContain('<b>35 more in the attachment</b> (findings.csv)');
    expect(r.text).toContain('  ... 35 more in the attachment (findings.csv)');
    expect(parse(r.csv, { columns: true })).toHaveLength(60);
  });

  it('caps the suppressed section the same way', () => {
    const r = render(report(many.map((x) => ({ ...x, suppressed: { by: 'iam-console-mfa:*:*' } }))), { topPerAudit: 25 });
    expect(r.html).toContain('>Suppressed (60)</h2>');
    expect(r.text).toContain('  ... 35 more suppressed in the attachment (findings.csv, column suppressedBy)');
  });

    it('caps the new and resolved lists the same way, saying how many more', () => {
    const before = many.slice(0, 30).map((x) => f({ resourceId: `old-${x.resourceId}`, resource: `${x.resource}-old` }));
    const changes = diffFindings(many, [{ auditId: 'iam-console-mfa', kind: 'found', snapshot: snapshotOf('prod', 'iam-console-mfa', before, 'then') }], []);
    const r = render(report(many), { topPerAudit: 25, changes });
    expect(r.text).toContain('New (60)');
    expect(r.text).toContain('  ... 35 more new: see the audit sections and the attachment');
    expect(r.text).toContain("  ... 5 more resolved: listed in the run's log");
  });

    it('cuts the CSV at a byte budget, most important first, ending with a note row that parses', () => {
    const { csv, included } = findingsCsvCut([...many, sourceErrorFinding('iam-console-mfa', 'iam.credentialReport', 'global')], 4000);
    expect(Buffer.byteLength(csv)).toBeLessThanOrEqual(4000);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(included + 1);
    expect(rows[0]?.status).toBe('ERROR');
    expect(rows.at(-1)?.reason).toBe(`CUT: ${61 - included} of 61 findings not included (message size limit); the full list is in the run's log and --out files`);
  });

  it('says in both bodies that the attachment was cut', () => {
    const r = render(report(many), { topPerAudit: 25, cut: { included: 40, total: 60, dropped: ['findings.json'], limitBytes: 10 * 1024 * 1024 } });
    const note = "findings.csv holds the first 40 of 60 findings (most important first); the full list is in the function's log and the CLI's --out files. findings.json left out.";
    expect(r.text).toContain(`ATTACHMENT CUT: The attachment was cut to fit SES's 10 MB message limit: ${note}`);
    expect(r.html).toContain('<b>Attachment cut.</b>');
  });
});
