import { byImportance, inReportOrder } from '../../reports/order';
import { finding, SEVERITIES, STATUSES, type Finding } from '../../shared/model';

/** Resource ids of every kind a report holds: instance, group and key ids, names with punctuation, ARNs, other scripts. */
const IDS = ['i-0a1b', 'i-0A1b', 'sg-09', 'sg-1', 'AKIA0001', 'AKIAZZ01', 'akia0001', 'user-1', 'user_1', 'user.1', 'User-1', 'arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/B', 'café', 'cafe', 'Ωmega', '', '-', '10', '9', 'a-b', 'ab', 'a_b', 'iam.credentialReport', 'ZZ', 'zz'];

function many(n: number): Finding[] {
  let seed = 42;
  const pick = <T>(list: readonly T[]): T => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return list[seed % list.length] as T;
  };
  return Array.from({ length: n }, (_, i) =>
    finding({ auditId: pick(['ec2-required-tags', 'iam-console-mfa', 'iam-access-key-age', 'Iam-x']), status: pick(STATUSES), severity: pick(SEVERITIES), resource: `arn:${i}`, resourceId: `${pick(IDS)}${pick(['', '', 'x', 'X', '-2', String(i % 7)])}`, resourceType: 'T', region: 'r', account: '1', reason: String(i), evidence: {} }),
  );
}

describe('report order', () => {
  it('is exactly the stable sort by byImportance (status, severity, audit, resource id by the collator), ties in the findings\' order', () => {
    const findings = many(5000);
    const expected = [...findings].sort(byImportance);
    expect(inReportOrder(findings)).toEqual(expected);
    // Same objects, same positions: identity, not just equal values (ties keep their order).
    expect(inReportOrder(findings).every((f, i) => f === expected[i])).toBe(true);
  });

  it('keeps the plain sort\'s order when a finding carries a status or severity outside the model (a malformed stored result)', () => {
    const findings = many(300);
    const odd = [
      { ...(findings[5] as Finding), status: 'UNKNOWN' as Finding['status'] },
      { ...(findings[9] as Finding), severity: 'urgent' as Finding['severity'] },
    ];
    const mixed = [...findings.slice(0, 100), ...odd, ...findings.slice(100)];
    expect(inReportOrder(mixed)).toEqual([...mixed].sort(byImportance));
  });

  it('orders ids of one case as the collator does, and mixed cases and punctuation by the collator too', () => {
    const at = (resourceId: string) => finding({ auditId: 'a', status: 'FAIL', severity: 'high', resource: resourceId, resourceId, resourceType: 'T', region: 'r', account: '1', reason: '', evidence: {} });
    const ids = ['user-10', 'user-9', 'User-1', 'user_1', 'a-b', 'ab', 'AKIA2', 'AKIA10', 'akia1', 'i-0f', 'i-0F'];
    expect(inReportOrder(ids.map(at)).map((f) => f.resourceId)).toEqual([...ids].sort(new Intl.Collator().compare));
  });
});
