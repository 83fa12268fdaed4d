import { finding } from '../shared/model';

describe('model: finding()', () => {
  it('returns a frozen copy, evidence included, that later changes to the input do not reach', () => {
    const input = { auditId: 'a', status: 'FAIL' as const, severity: 'high' as const, resource: 'arn', resourceId: 'id', resourceType: 'T', region: 'global', account: '1', reason: 'r', evidence: { n: 1 } };
    const x = finding(input);
    input.evidence.n = 2;
    expect(x).toEqual({ ...input, evidence: { n: 1 } });
    expect(Object.isFrozen(x)).toBe(true);
    expect(Object.isFrozen(x.evidence)).toBe(true);
  });
});
