import type { ActionResult } from '../shared/actions/types';
import { undoCall } from '../shared/actions/undo';
import { auditHandler, type AuditResult } from '../shared/handler';
import { fitResult, RESULT_MAX_BYTES } from '../shared/result-fit';
import { render } from '../reports/index';
import { report, sg } from './reports/fixtures';
import { useSampleFunctionEnv } from './functions/sample-function';

const restore = (id: string) => undoCall({ service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: 'eu-west-1', parameters: { GroupId: id } }, 'authorize-security-group-ingress', [['region', 'eu-west-1'], ['group-id', id]]);
const step = (id: string): ActionResult => ({ auditId: 'ec2-open-security-groups', action: 'revoke-ingress', resource: `arn:aws:ec2:eu-west-1:123456789012:security-group/${id}`, resourceId: id, region: 'eu-west-1', outcome: 'dry-run', message: 'dry run: would revoke 0.0.0.0/0:22', undo: restore(id) });
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** A dry run's result as the audit handler builds it, before fitting. */
function resultOf(actions: readonly ActionResult[]) {
  return { state: 'findings' as const, dryRun: true, subject: 's', counts: { PASS: 0, WARN: 0, FAIL: 1, ERROR: 0, suppressed: 0 }, notEvaluated: 0, actions: actions.length, remediation: actions.map(({ detail: _d, ...s }) => s), delivery: { sent: false as const, reason: 'dry run' } };
}

describe('audit result: bounded for a synchronous Invoke', () => {
  it('returns a small dry run whole: the same JSON as the rendered report itself', () => {
    const actions = [step('sg-1')];
    const rendered = render(report([sg('sg-1')], { actions, dryRun: true }));
    const fitted = fitResult(resultOf(actions), rendered, { seeAll: 'the log' });
    expect(fitted.truncated).toBeUndefined();
    expect(JSON.stringify(fitted)).toBe(JSON.stringify({ ...resultOf(actions), rendered }));
    expect(fitted.rendered).toEqual({ subject: rendered.subject, html: rendered.html, text: rendered.text, csv: rendered.csv, json: rendered.json });
  });

  it('cuts the bodies of a dry run of many findings to the bound, keeps every remediation step with its undo, and says what was cut', () => {
    const findings = Array.from({ length: 4000 }, (_, i) => sg(`sg-${i}`));
    const actions = findings.slice(0, 50).map((f) => step(f.resourceId));
    const rendered = render(report(findings, { actions, dryRun: true }));
    const fitted = fitResult(resultOf(actions), rendered, { seeAll: 'the log has every finding' });
    expect(bytes(fitted)).toBeLessThanOrEqual(RESULT_MAX_BYTES);
    expect(fitted.remediation).toHaveLength(50);
    expect(fitted.remediation.every((s) => s.undo?.possible === true && s.undo.command.includes('authorize-security-group-ingress'))).toBe(true);
    const cut = fitted.truncated?.cut ?? [];
    expect(cut.map((c) => c.field)).not.toContain('remediation');
    expect(cut.length).toBeGreaterThan(0);
    for (const c of cut) {
      const body = c.field.replace('rendered.', '') as 'html' | 'text' | 'csv' | 'json';
      // The full size where it is known without rendering more: the CSV and JSON are never built whole for this.
      expect(c.bytes).toBe(body === 'html' || body === 'text' ? Buffer.byteLength(rendered[body]) : undefined);
      expect(rendered[body].startsWith(fitted.rendered?.[body] ?? 'missing')).toBe(true);
      expect(c.keptBytes).toBe(Buffer.byteLength(fitted.rendered?.[body] ?? ''));
    }
    // The text keeps room first, and a cut CSV ends at the end of a row.
    expect(fitted.rendered?.text).toBe(rendered.text);
    expect(fitted.rendered?.csv.endsWith('\n')).toBe(true);
    expect(fitted.truncated).toMatchObject({ maxBytes: RESULT_MAX_BYTES, seeAll: 'the log has every finding' });
  });

  it('cuts remediation last: whole steps in order, each with its undo, and how many were left out', () => {
    const actions = Array.from({ length: 400 }, (_, i) => step(`sg-${i}`));
    const rendered = render(report([sg('sg-0')], { actions, dryRun: true }));
    const maxBytes = 64 * 1024;
    const fitted = fitResult(resultOf(actions), rendered, { seeAll: 'the log', maxBytes });
    expect(bytes(fitted)).toBeLessThanOrEqual(maxBytes);
    const kept = fitted.remediation.length;
    expect(kept).toBeGreaterThan(50);
    expect(fitted.remediation).toEqual(resultOf(actions).remediation.slice(0, kept));
    expect(fitted.truncated?.cut).toContainEqual({ field: 'remediation', items: 400, keptItems: kept });
    expect(fitted.rendered).toEqual({ subject: rendered.subject, html: '', text: '', csv: '', json: '' });
    expect(fitted.truncated?.cut.map((c) => c.field)).toEqual(['remediation', 'rendered.text', 'rendered.csv', 'rendered.html', 'rendered.json']);
  });

  it('keeps the steps that change something before skipped or refused ones, in their order', () => {
    const idle = (id: string): ActionResult => ({ ...step(id), outcome: 'refused', message: 'over maxActions: reported, not changed', undo: undefined });
    const actions = Array.from({ length: 300 }, (_, i) => (i % 10 === 9 ? step(`sg-${i}`) : idle(`sg-${i}`)));
    const maxBytes = 24 * 1024;
    const fitted = fitResult(resultOf(actions), undefined, { seeAll: 'the log', maxBytes, keepFirst: (s) => s.undo !== undefined });
    expect(bytes(fitted)).toBeLessThanOrEqual(maxBytes);
    const kept = fitted.remediation.map((s) => s.resourceId);
    expect(kept.filter((id) => Number(id.slice(3)) % 10 === 9)).toHaveLength(30);
    expect(kept.length).toBeGreaterThan(30);
    expect(kept.length).toBeLessThan(300);
    expect(kept).toEqual([...kept].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3))));
    expect(fitted.truncated?.cut).toEqual([{ field: 'remediation', items: 300, keptItems: kept.length }]);
  });

  it('never cuts a character in half: the kept text is a prefix of the original and still within the bound', () => {
    const findings = Array.from({ length: 300 }, (_, i) => sg(`sg-${i}`, { reason: `🔥 port 22 open ✓ «${i}»` }));
    const rendered = render(report(findings));
    const maxBytes = 16 * 1024;
    const fitted = fitResult(resultOf([]), rendered, { seeAll: 'the log', maxBytes });
    expect(bytes(fitted)).toBeLessThanOrEqual(maxBytes);
    expect(rendered.text.startsWith(fitted.rendered?.text ?? 'missing')).toBe(true);
    expect(fitted.rendered?.text).not.toMatch(/[\ud800-\udbff]$/);
  });
});

describe('audit handler: a dry run over its result bound', () => {
  const sampleFunction = useSampleFunctionEnv();

  it('returns state, counts, delivery and every remediation step with its undo, the bodies cut and named', async () => {
    sampleFunction('ec2-required-tags');
    const { definition } = await import('../functions/ec2-required-tags');
    const whole = (await auditHandler(definition)({ dryRun: true })) as AuditResult;
    const maxBytes = bytes({ ...whole, rendered: { ...whole.rendered, html: '', csv: '', json: '' } }) + 2000;
    const res = (await auditHandler(definition, undefined, maxBytes)({ dryRun: true })) as AuditResult;
    expect(whole.truncated).toBeUndefined();
    expect(bytes(res)).toBeLessThanOrEqual(maxBytes);
    expect(res).toMatchObject({ state: whole.state, counts: whole.counts, subject: whole.subject, notEvaluated: whole.notEvaluated, delivery: { sent: false } });
    expect(res.remediation).toEqual(whole.remediation);
    expect(res.remediation.some((s) => s.undo?.possible === true && s.undo.command.startsWith('aws ec2'))).toBe(true);
    expect(res.rendered?.subject).toBe(whole.subject);
    expect(res.truncated?.cut.map((c) => c.field)).toEqual(expect.arrayContaining(['rendered.csv', 'rendered.json']));
    expect(res.truncated?.seeAll).toContain('opsbots run ec2-required-tags --stage sample --dry-run');
  });
});
