import { parse } from 'csv-parse/sync';
import { render } from '../../reports/index';
import { finding, type Finding } from '../../shared/model';
import { reportState, summarise, type Report } from '../../shared/report';

function f(over: Partial<Finding>): Finding {
  return finding({ auditId: 'iam-console-mfa', status: 'FAIL', severity: 'high', resource: 'arn:aws:iam::123456789012:user/bob', resourceId: 'bob', resourceType: 'AWS::IAM::User', region: 'global', account: '123456789012', reason: 'no MFA', evidence: {}, ...over });
}

function report(findings: Finding[], over: Partial<Report> = {}): Report {
  return {
    stage: 'prod', account: { id: '123456789012', partition: 'aws' }, regions: ['eu-west-1'], startedAt: '2026-11-20T08:00:00.000Z', finishedAt: '2026-11-20T08:00:05.000Z', dryRun: false,
    state: reportState(findings, []), audits: summarise([{ id: 'iam-console-mfa', title: 'Console users without MFA', severity: 'high' }], findings), findings, actions: [], notEvaluated: [], timings: {}, ...over,
  };
}

describe('reports: render', () => {
  it('escapes hostile values in the HTML', () => {
    const r = render(report([f({ resourceId: '<script>alert(1)</script>', reason: 'a & b "quoted"' })]));
    expect(r.html).not.toContain('<script>alert(1)</script>');
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.html).toContain('a &amp; b &quot;quoted&quot;');
  });

  it('escapes commas, quotes and newlines in the CSV so it parses back', () => {
    const evil = 'team, "ops"\nsecond line';
    const r = render(report([f({ reason: evil, evidence: { tag: evil } })]));
    const rows = parse(r.csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.reason).toBe(evil);
    expect(JSON.parse(rows[0]?.evidence ?? '{}')).toEqual({ tag: evil });
  });

  it('puts ERROR findings first and says the report is incomplete', () => {
    const err = f({ status: 'ERROR', resourceId: 'iam.credentialReport', resource: 'source:iam.credentialReport', resourceType: 'opsbots::Source', reason: 'not evaluated: denied' });
    const r = render(report([f({}), err], { state: 'incomplete', notEvaluated: [{ source: 'iam.credentialReport', region: 'global', code: 'AccessDenied', message: 'x' }] }));
    expect(r.subject).toBe('[opsbots] 123456789012 prod: 1 FAIL, incomplete (1 not evaluated)');
    expect(r.text.indexOf('INCOMPLETE')).toBeLessThan(r.text.indexOf('[FAIL/high] bob'));
    expect(r.html.indexOf('Incomplete: not evaluated')).toBeLessThan(r.html.indexOf('>bob<'));
    expect(JSON.parse(r.json).findings[0].status).toBe('ERROR');
  });

  it('counts regions in the subject when only regions were unreadable', () => {
    const r = render(report([], { state: 'incomplete', notEvaluated: [{ source: 'ec2.instances', region: 'ap-south-1', code: 'AccessDenied', message: 'x' }] }));
    expect(r.subject).toBe('[opsbots] 123456789012 prod: incomplete (1 region unreadable)');
  });

  it('lists suppressed findings apart with the exemption that matched, and not in the counts', () => {
    const r = render(report([f({ suppressed: { by: 'iam-console-mfa:global:*:user/bob', reason: 'break glass' } })]));
    expect(r.subject).toBe('[opsbots] 123456789012 prod: all clear');
    expect(r.text).toMatch(/Suppressed\n {2}- iam-console-mfa bob \(FAIL\) by iam-console-mfa:global:\*:user\/bob: break glass/);
  });

  it('links each resource to its console page', () => {
    expect(render(report([f({})])).html).toContain('https://console.aws.amazon.com/iam/home#/users/details/bob');
  });
});
