import { getAudit } from '../../shared/audits/index';
import type { Audit } from '../../shared/audits/types';
import { finding, type Finding } from '../../shared/model';
import { reportState, type Report } from '../../shared/report';
import { GLOBAL_PART, PART_SOURCE, mergeDeliveries, mergeParts, partAudits, planParts, type MergeContext, type PartRead } from '../../shared/org/parts';
import type { StoredResult } from '../../shared/org/store';
import { buildConfig, configProblem } from '../builders';

const ID = '222222222222';
const ROLE = `arn:aws:iam::${ID}:role/OpsbotsAudit`;
const audit = (id: string): Audit => getAudit(id)!;
/** IAM only, EC2 only, and one reading both (IAM server certificates and ACM). */
const AUDITS = [audit('iam-console-mfa'), audit('ec2-required-tags'), audit('certificate-expiry')];
const ctx = (failures?: ReadonlyMap<string, string>): MergeContext => ({ account: { id: ID, name: 'prod' }, audits: AUDITS, configured: {}, resource: `arn:aws:organizations::111111111111:account/o-abc1234567/${ID}`, ...(failures ? { failures } : {}) });

const f = (auditId: string, status: Finding['status'], region: string, resource: string, reason = `${status} ${resource}`): Finding =>
  finding({ auditId, status, severity: 'high', resource, resourceId: resource.split('/').at(-1) ?? resource, resourceType: 'test', region, account: ID, reason, evidence: {} });
/** ACM's "no certificates" line: account-wide, so every part that reads certificates says it. */
const noCertificates = (read: string) => f('certificate-expiry', 'PASS', 'global', `arn:aws:iam::${ID}:root`, `no certificates (read: ${read})`);
/** The same gap seen by every part (its identity call failed in each). */
const identityGap = () => f('iam-console-mfa', 'ERROR', 'global', 'source:sts.callerIdentity', 'not evaluated: sts.callerIdentity in global could not be read (Throttling: slow down)');

function found(part: string, findings: Finding[], over: { assumed?: boolean; notEvaluated?: Report['notEvaluated'] } = {}): PartRead {
  const notEvaluated = over.notEvaluated ?? [];
  const report: Report = { stage: 'prod', account: { id: ID, partition: 'aws', alias: 'prod' }, regions: part === GLOBAL_PART ? [] : [part], startedAt: '2026-12-03T08:00:00.000Z', finishedAt: '2026-12-03T08:01:00.000Z', dryRun: true, state: reportState(findings, notEvaluated), audits: [], findings, actions: [], notEvaluated, timings: {} };
  return { part, stored: { kind: 'found', result: { version: 1, runId: 'run-1', account: { id: ID, name: 'prod' }, part, roleArn: ROLE, assumed: over.assumed ?? true, report } } };
}
const missing = (part: string): PartRead => ({ part, stored: { kind: 'missing' } });
const merged = (r: StoredResult) => {
  if (r.kind !== 'found') throw new Error(`not merged: ${r.kind}`);
  return r.result.report;
};

describe('org parts (organization.splitRegions): planning', () => {
  it('plans the global sources once, then each region, when the stage splits; nothing when it does not', () => {
    const plan = { audits: AUDITS, regions: ['us-east-1', 'eu-west-1'], configured: {} };
    expect(planParts({ ...plan, splitRegions: false })).toBeUndefined();
    expect(planParts({ ...plan, splitRegions: true })).toEqual(['global', 'us-east-1', 'eu-west-1']);
    expect(planParts({ ...plan, audits: [audit('iam-root-mfa')], splitRegions: true })).toEqual(['global']);
    expect(planParts({ ...plan, audits: [audit('ec2-open-security-groups')], splitRegions: true })).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('narrows each audit to the sources of the part: an audit reading both runs in both, each on its half', () => {
    expect(partAudits(AUDITS, GLOBAL_PART).map((a) => [a.id, a.sources])).toEqual([
      ['iam-console-mfa', ['iam.credentialReport', 'iam.users']],
      ['certificate-expiry', ['iam.serverCertificates']],
    ]);
    expect(partAudits(AUDITS, 'eu-west-1').map((a) => [a.id, a.sources])).toEqual([
      ['ec2-required-tags', ['ec2.instances']],
      ['certificate-expiry', ['acm.certificates']],
    ]);
  });

  it('refuses regions "all" and a regional remediation, naming the field and the fix', () => {
    expect(configProblem(() => planParts({ audits: AUDITS, regions: 'all', configured: {}, splitRegions: true }))).toMatch(/organization\.splitRegions: needs an explicit regions list.*regions: \[us-east-1, eu-west-1\]/);
    const config = buildConfig({ regions: ['us-east-1'], audits: { 'ec2-required-tags': { remediation: { enabled: true } } } });
    expect(configProblem(() => planParts({ audits: AUDITS, regions: ['us-east-1'], configured: config.audits, splitRegions: true }))).toMatch(/audits\.ec2-required-tags\.remediation is enabled.*each region would get its own cap/);
  });
});

describe('org parts: merging an account\'s parts into its result', () => {
  it('keeps each part\'s own findings and never duplicates a global one', () => {
    const report = merged(
      mergeParts(ctx(), [
        found('global', [f('iam-console-mfa', 'FAIL', 'global', `arn:aws:iam::${ID}:user/bob`), noCertificates('IAM'), identityGap()]),
        found('us-east-1', [f('ec2-required-tags', 'FAIL', 'us-east-1', 'arn:aws:ec2:us-east-1:1:instance/i-1'), noCertificates('ACM us-east-1'), identityGap()]),
        found('eu-west-1', [f('ec2-required-tags', 'PASS', 'eu-west-1', 'arn:aws:ec2:eu-west-1:1:instance/i-2'), noCertificates('ACM eu-west-1'), identityGap()]),
      ]),
    );
    const globals = report.findings.filter((x) => x.region === 'global').map((x) => `${x.auditId} ${x.status} ${x.reason}`);
    expect(globals).toEqual(['iam-console-mfa FAIL FAIL arn:aws:iam::222222222222:user/bob', 'certificate-expiry PASS no certificates (read: IAM)', `iam-console-mfa ERROR ${identityGap().reason}`]);
    expect(new Set(globals).size).toBe(globals.length);
    expect(report.findings.filter((x) => x.region !== 'global').map((x) => [x.region, x.status])).toEqual([['us-east-1', 'FAIL'], ['eu-west-1', 'PASS']]);
    expect(report.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.audits.map((a) => [a.id, a.counts.FAIL, a.counts.PASS, a.counts.ERROR])).toEqual([['iam-console-mfa', 1, 0, 1], ['ec2-required-tags', 1, 1, 0], ['certificate-expiry', 0, 1, 0]]);
    expect(report.state).toBe('incomplete'); // the identity gap
  });

  it('names a region part not read, with the error its step failed with, one ERROR per audit of that region; the rest stays audited', () => {
    const r = mergeParts(ctx(new Map([[`${ID}/eu-west-1`, 'Sandbox.Timedout']])), [found('global', [f('iam-console-mfa', 'PASS', 'global', `arn:aws:iam::${ID}:user/amy`)]), found('us-east-1', []), missing('eu-west-1')]);
    const report = merged(r);
    expect(r.kind === 'found' && r.result.assumed).toBe(true);
    const message = `region eu-west-1 of account ${ID} not read: its step failed (Sandbox.Timedout) and stored no result: see the account function's log`;
    expect(report.findings.filter((x) => x.status === 'ERROR').map((x) => [x.auditId, x.region, x.resourceId, x.reason])).toEqual([
      ['ec2-required-tags', 'eu-west-1', PART_SOURCE, `not evaluated: ${message}`],
      ['certificate-expiry', 'eu-west-1', PART_SOURCE, `not evaluated: ${message}`],
    ]);
    expect(report.notEvaluated).toEqual([{ source: PART_SOURCE, region: 'eu-west-1', code: 'Sandbox.Timedout', message, account: ID }]);
    expect(report.findings.some((x) => x.auditId === 'iam-console-mfa' && x.status === 'PASS')).toBe(true);
    expect(report.state).toBe('incomplete');
  });

  it('a missing global part names the IAM sources not read, for the audits reading them', () => {
    const report = merged(mergeParts(ctx(), [missing('global'), found('us-east-1', [])]));
    const errors = report.findings.filter((x) => x.status === 'ERROR');
    expect(errors.map((x) => [x.auditId, x.region])).toEqual([['iam-console-mfa', 'global'], ['certificate-expiry', 'global']]);
    expect(errors[0]?.reason).toBe(`not evaluated: global sources (iam.credentialReport, iam.users, iam.serverCertificates) of account ${ID} not read: no result was stored for it: its run did not finish (timeout or failure; see the account step's log)`);
    expect(report.notEvaluated).toEqual([expect.objectContaining({ source: PART_SOURCE, region: 'global', code: 'NoResult' })]);
  });

  it('a part whose role could not be assumed is a part not read (its role ERRORs are not repeated per part); an unreadable one says why', () => {
    const denied = found('us-east-1', [f('iam-console-mfa', 'ERROR', 'global', ROLE, 'not audited: could not assume')], { assumed: false, notEvaluated: [{ source: 'sts.assumeRole', region: 'global', code: 'AccessDenied', message: 'denied' }] });
    const unreadable: PartRead = { part: 'eu-west-1', stored: { kind: 'unreadable', code: 'MalformedResult', message: 'memory:x is not JSON' } };
    const report = merged(mergeParts(ctx(), [found('global', []), denied, unreadable]));
    expect(report.findings.filter((x) => x.resource === ROLE)).toEqual([]);
    expect(report.notEvaluated.map((e) => e.message)).toEqual([
      `region us-east-1 of account ${ID} not read: could not assume ${ROLE} (AccessDenied)`,
      `region eu-west-1 of account ${ID} not read: its result could not be read: memory:x is not JSON`,
    ]);
  });

  it('an account none of whose parts was read is not audited, as without splitRegions', () => {
    const denied = found('global', [], { assumed: false, notEvaluated: [{ source: 'sts.assumeRole', region: 'global', code: 'AccessDenied', message: 'denied' }] });
    expect(mergeParts(ctx(), [denied, found('us-east-1', [], { assumed: false })])).toBe(denied.stored);
    expect(mergeParts(ctx(new Map([[`${ID}/us-east-1`, 'States.Timeout']])), [missing('global'), missing('us-east-1')])).toEqual({ kind: 'missing', failure: 'States.Timeout' });
    expect(mergeParts(ctx(), [missing('global')])).toEqual({ kind: 'missing' });
  });

  it('sums the parts\' Security Hub imports into the account\'s, every failure kept', () => {
    const part = (imported: number, failed: string[]) => ({ sent: true as const, region: 'eu-west-1', imported, archived: 1, calls: 1, failed: failed.map((id) => ({ id, code: 'InvalidInput', message: 'x' })) });
    expect(mergeDeliveries([part(3, []), part(2, ['opsbots/a'])])).toEqual({ sent: true, region: 'eu-west-1', imported: 5, archived: 2, calls: 2, failed: [{ id: 'opsbots/a', code: 'InvalidInput', message: 'x' }] });
    expect(mergeDeliveries([{ sent: false, reason: 'dry run', wouldImport: 4 }, { sent: false, reason: 'dry run', wouldImport: 1 }])).toEqual({ sent: false, reason: 'dry run', wouldImport: 5 });
    expect(mergeDeliveries([])).toBeUndefined();
  });
});
