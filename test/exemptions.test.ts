import { applyExemptions } from '../shared/exemptions';
import { finding, type Finding } from '../shared/model';

const now = new Date('2026-11-20T00:00:00Z');
const f = (over: Partial<Finding> = {}) => finding({ auditId: 'iam-console-mfa', status: 'FAIL', severity: 'high', resource: 'arn:aws:iam::123456789012:user/ops/breakglass', resourceId: 'breakglass', resourceType: 'AWS::IAM::User', region: 'global', account: '123456789012', reason: 'x', evidence: {}, ...over });

describe('exemptions', () => {
  it('matches auditId:region:ARN with the colons of the ARN intact', () => {
    const [out] = applyExemptions([f()], [{ match: 'iam-console-mfa:global:arn:aws:iam::123456789012:user/ops/breakglass' }], undefined, now);
    expect(out?.suppressed?.by).toBe('iam-console-mfa:global:arn:aws:iam::123456789012:user/ops/breakglass');
  });

  it('matches the short resource id and wildcards in every part', () => {
    expect(applyExemptions([f()], [{ match: '*:*:breakglass' }], undefined, now)[0]?.suppressed).toBeDefined();
    expect(applyExemptions([f()], [{ match: 'iam-*:glob*:*/ops/*' }], undefined, now)[0]?.suppressed).toBeDefined();
    expect(applyExemptions([f()], [{ match: 'iam-console-mfa:eu-west-1:*' }], undefined, now)[0]?.suppressed).toBeUndefined();
  });

  it('treats regex characters in patterns literally', () => {
    expect(applyExemptions([f({ resourceId: 'a.b' })], [{ match: '*:*:a.b' }], undefined, now)[0]?.suppressed).toBeDefined();
    expect(applyExemptions([f({ resourceId: 'axb' })], [{ match: '*:*:a.b' }], undefined, now)[0]?.suppressed).toBeUndefined();
  });

  it('stops applying an expired exemption', () => {
    expect(applyExemptions([f()], [{ match: '*:*:breakglass', expires: '2026-11-19' }], undefined, now)[0]?.suppressed).toBeUndefined();
    expect(applyExemptions([f()], [{ match: '*:*:breakglass', expires: '2026-12-01' }], undefined, now)[0]?.suppressed?.expires).toBe('2026-12-01');
  });

  it('honours the exemption tag, keeping its value as the reason', () => {
    const [out] = applyExemptions([f({ tags: { 'opsbots:exempt': 'legacy app, ticket OPS-12' } })], [], 'opsbots:exempt', now);
    expect(out?.suppressed).toEqual({ by: 'tag:opsbots:exempt', reason: 'legacy app, ticket OPS-12' });
  });

  it('never suppresses an ERROR: what was not seen cannot be excused', () => {
    expect(applyExemptions([f({ status: 'ERROR' })], [{ match: '*:*:*' }], undefined, now)[0]?.suppressed).toBeUndefined();
  });

  it('keeps suppressed findings in the list', () => {
    expect(applyExemptions([f(), f({ resourceId: 'bob', resource: 'arn:aws:iam::1:user/bob' })], [{ match: '*:*:breakglass' }], undefined, now)).toHaveLength(2);
  });
});
