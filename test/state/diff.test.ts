import { diffFindings, nothingChanged, type PreviousState } from '../../shared/state/diff';
import { snapshotOf } from '../../shared/state/snapshot';
import type { Finding } from '../../shared/model';
import { f, sg, sourceErrorFinding } from '../reports/fixtures';

const found = (auditId: string, findings: Finding[], at = '2026-11-19T08:00:00.000Z'): PreviousState => ({ auditId, kind: 'found', snapshot: snapshotOf('prod', auditId, findings, at) });
const REGIONS = ['eu-west-1', 'us-east-1'];
const bob = f({});
const zed = f({ resourceId: 'zed', resource: 'arn:aws:iam::123456789012:user/zed' });

describe('state: what changed since the previous run', () => {
  it('keeps only unsuppressed problems of one audit in a snapshot', () => {
    const s = snapshotOf('prod', 'iam-console-mfa', [bob, f({ status: 'PASS', resourceId: 'ok' }), f({ resourceId: 'x', suppressed: { by: 'p' } }), sg('sg-1')], 'now');
    expect(s.findings.map((e) => e.resourceId)).toEqual(['bob']);
  });

  it('reports nothing changed when the same problems remain, even if a reason changed', () => {
    const c = diffFindings([f({ reason: 'no MFA (day 2)' })], [found('iam-console-mfa', [bob])], REGIONS);
    expect(c).toMatchObject({ added: [], resolved: [], unchecked: [], firstRun: [], unreadable: [], since: '2026-11-19T08:00:00.000Z' });
    expect(nothingChanged(c)).toBe(true);
  });

  it('finds new and resolved problems', () => {
    const c = diffFindings([zed], [found('iam-console-mfa', [bob])], REGIONS);
    expect(c.added.map((x) => x.resourceId)).toEqual(['zed']);
    expect(c.resolved.map((x) => x.resourceId)).toEqual(['bob']);
    expect(nothingChanged(c)).toBe(false);
  });

  it('counts a problem that now passes as resolved, and one now suppressed as neither', () => {
    const c = diffFindings([f({ status: 'PASS' }), f({ resourceId: 'zed', resource: zed.resource, suppressed: { by: 'x' } })], [found('iam-console-mfa', [bob, zed])], REGIONS);
    expect(c.resolved.map((x) => x.resourceId)).toEqual(['bob']);
    expect(c.added).toEqual([]);
  });

  it('never calls resolved what it could not evaluate this time: those are unchecked', () => {
    const before = [sg('sg-1'), sg('sg-2', { region: 'us-east-1', resource: 'arn:aws:ec2:us-east-1:1:security-group/sg-2' })];
    const c = diffFindings([sourceErrorFinding('ec2-open-security-groups', 'ec2.securityGroups', 'eu-west-1')], [found('ec2-open-security-groups', before)], REGIONS);
    expect(c.unchecked.map((x) => x.resourceId)).toEqual(['sg-1']);
    expect(c.resolved.map((x) => x.resourceId)).toEqual(['sg-2']);
    expect(c.added.map((x) => x.status)).toEqual(['ERROR']);
  });

  it('leaves regions outside a run limited by hand unchecked, not resolved', () => {
    const c = diffFindings([], [found('ec2-open-security-groups', [sg('sg-1'), sg('sg-2', { region: 'us-east-1', resource: 'arn:aws:ec2:us-east-1:1:security-group/sg-2' })])], ['us-east-1']);
    expect(c.unchecked.map((x) => x.resourceId)).toEqual(['sg-1']);
    expect(c.resolved.map((x) => x.resourceId)).toEqual(['sg-2']);
  });

  it('carries unchecked problems into the next snapshot, and stays quiet while only they remain', () => {
    const err = sourceErrorFinding('ec2-open-security-groups', 'ec2.securityGroups', 'eu-west-1');
    const day1 = diffFindings([err], [found('ec2-open-security-groups', [sg('sg-1')])], REGIONS);
    expect(nothingChanged(day1)).toBe(false); // the ERROR is new
    const stored = snapshotOf('prod', 'ec2-open-security-groups', [err], 'day1', day1.unchecked);
    expect(stored.findings.map((e) => e.resourceId).sort()).toEqual(['ec2.securityGroups', 'sg-1']);
    const day2 = diffFindings([err], [{ auditId: 'ec2-open-security-groups', kind: 'found', snapshot: stored }], REGIONS);
    expect(day2.unchecked.map((x) => x.resourceId)).toEqual(['sg-1']);
    expect(nothingChanged(day2)).toBe(true);
    // the region is readable again and sg-1 is still open: not new, since it was carried
    const day3 = diffFindings([sg('sg-1')], [{ auditId: 'ec2-open-security-groups', kind: 'found', snapshot: snapshotOf('prod', 'ec2-open-security-groups', [err], 'day2', day2.unchecked) }], REGIONS);
    expect(day3.added).toEqual([]);
    expect(day3.resolved.map((x) => x.resourceId)).toEqual(['ec2.securityGroups']);
  });

  it('treats every problem as new on an audit\'s first run', () => {
    const c = diffFindings([bob, f({ status: 'PASS', resourceId: 'p' })], [{ auditId: 'iam-console-mfa', kind: 'missing' }], REGIONS);
    expect(c.firstRun).toEqual(['iam-console-mfa']);
    expect(c.added).toEqual([bob]);
  });

  it('says when a previous state was unreadable, and then is never "nothing changed"', () => {
    const c = diffFindings([bob], [{ auditId: 'iam-console-mfa', kind: 'unreadable', code: 'AccessDenied', message: 'denied' }], REGIONS);
    expect(c.unreadable).toEqual([{ auditId: 'iam-console-mfa', code: 'AccessDenied', message: 'denied' }]);
    expect(c.added).toEqual([]);
    expect(nothingChanged(c)).toBe(false);
  });
});
