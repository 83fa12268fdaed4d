import { EmulatedClients } from '../../cli/bench/emulated-account';
import { benchConfig } from '../../cli/bench/scale';
import { MemoryLog } from '../../shared/logger';
import { finding, type Finding } from '../../shared/model';
import { runAudits } from '../../shared/run';

/** A PASS says what decided it in a few fields: tens of thousands of them must not each carry a record. */
const MAX_PASS_EVIDENCE_BYTES = 160;
const MAX_PASS_EVIDENCE_FIELDS = 6;

// The scale bench's account, small: every audit of `run all` judges users, keys, instances and groups.
const SPEC = { regions: ['us-east-1'], users: 90, instances: 90, groups: 90 };

async function runAll(): Promise<readonly Finding[]> {
  const report = await runAudits({ config: benchConfig(SPEC), auditIds: ['all'], clients: new EmulatedClients(SPEC), log: new MemoryLog(), dryRun: true, now: new Date('2026-11-20T08:00:00Z') });
  expect(report.notEvaluated).toEqual([]);
  return report.findings;
}

describe('findings at scale: PASS evidence is small, FAIL evidence keeps what acting and undoing need', () => {
  let findings: readonly Finding[];
  beforeAll(async () => {
    findings = await runAll();
  });

  it('bounds the evidence of every PASS, in every audit', () => {
    const passes = findings.filter((f) => f.status === 'PASS');
    expect(new Set(passes.map((f) => f.auditId)).size).toBeGreaterThanOrEqual(6);
    for (const f of passes) {
      const size = JSON.stringify(f.evidence).length;
      if (size > MAX_PASS_EVIDENCE_BYTES || Object.keys(f.evidence).length > MAX_PASS_EVIDENCE_FIELDS) throw new Error(`${f.auditId} PASS ${f.resourceId}: evidence of ${size} bytes: ${JSON.stringify(f.evidence)}`);
    }
  });

  it('keeps the full evidence of a FAIL: the key a deactivation acts on, the rules a revoke restores, the missing tags', () => {
    const of = (auditId: string) => findings.find((f) => f.auditId === auditId && f.status === 'FAIL');
    expect(of('iam-access-key-age')?.evidence).toMatchObject({ userName: expect.any(String), accessKeyId: expect.stringMatching(/^AKIA/), created: expect.any(String), reportGeneratedAt: expect.any(String) });
    expect(of('ec2-open-security-groups')?.evidence).toMatchObject({ groupName: expect.any(String), worldOpenRules: expect.arrayContaining([expect.objectContaining({ ruleId: expect.any(String), protocol: expect.any(String), status: 'FAIL' })]) });
    expect(of('ec2-required-tags')?.evidence).toMatchObject({ state: expect.any(String), missing: expect.any(Array), createdAt: expect.any(String) });
    expect(of('iam-console-mfa')?.evidence).toMatchObject({ passwordEnabled: true, mfaActive: false, userCreated: expect.any(String) });
  });

  it('shares one evidence object among the PASS findings it is the same for', () => {
    const mfa = findings.filter((f) => f.auditId === 'iam-console-mfa' && f.status === 'PASS' && f.reason === 'console user has an assigned MFA device');
    expect(mfa.length).toBeGreaterThan(1);
    for (const f of mfa) expect(f.evidence).toBe(mfa[0]?.evidence);
  });

  it('builds every finding in one field order, whatever order the audit wrote (one shape for the renderers)', () => {
    const orders = new Set(findings.map((f) => Object.keys(f).filter((k) => k !== 'tags' && k !== 'suppressed').join(',')));
    expect([...orders]).toEqual(['auditId,status,severity,resource,resourceId,resourceType,region,account,reason,evidence']);
  });
});

describe('finding()', () => {
  const input = { auditId: 'a', status: 'PASS', severity: 'info', resource: 'arn:x', resourceId: 'x', resourceType: 'T', region: 'global', account: '1', reason: 'r' } as const;

  it('copies and freezes evidence an audit still holds, and keeps evidence already frozen as it is', () => {
    const open = { n: 1 };
    const copied = finding({ ...input, evidence: open });
    expect(copied.evidence).not.toBe(open);
    expect(Object.isFrozen(copied.evidence)).toBe(true);
    const frozen = Object.freeze({ n: 1 });
    expect(finding({ ...input, evidence: frozen }).evidence).toBe(frozen);
  });

  it('keeps tags and a suppression carried over from another finding', () => {
    const f = finding({ ...input, evidence: {}, tags: { Owner: 'a' }, ...{ suppressed: { by: 'a:*:*' } } });
    expect(f).toMatchObject({ tags: { Owner: 'a' }, suppressed: { by: 'a:*:*' } });
    expect(Object.isFrozen(f)).toBe(true);
  });
});
