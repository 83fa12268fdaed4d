import { join } from 'node:path';
import { cliRun } from '../../cli/run';
import { MemoryLog } from '../../shared/logger';
import type { Finding } from '../../shared/model';
import { buildConfig } from '../builders';

const SAMPLE = join(__dirname, '../../sample');
const config = (remediation: Record<string, unknown> = {}) => buildConfig({ regions: 'all', audits: { 'ec2-open-security-groups': { remediation } } }, 'sample');
const run = (c: ReturnType<typeof config>, dryRun: boolean) => cliRun({ config: c, auditIds: ['ec2-open-security-groups'], dryRun, replayDir: SAMPLE, log: new MemoryLog() });
const byName = (findings: readonly Finding[], name: string, region = 'us-east-1') =>
  findings.find((f) => f.evidence.groupName === name && f.region === region);

describe('ec2-open-security-groups on the sample account', () => {
  it('reports every case in both readable regions and ap-southeast-2 as not evaluated', async () => {
    const { report, exitCode } = await run(config(), true);
    expect(exitCode).toBe(2);
    expect(report.notEvaluated.map((e) => `${e.source}@${e.region}`).sort()).toEqual(['ec2.networkInterfaces@ap-southeast-2', 'ec2.securityGroups@ap-southeast-2']);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const f = report.findings;
      expect(byName(f, 'bastion-ssh', region)).toMatchObject({ status: 'FAIL', severity: 'high' });
      expect(byName(f, 'windows-rdp', region)).toMatchObject({ status: 'FAIL', severity: 'high' });
      expect(byName(f, 'debug-all-open', region)).toMatchObject({ status: 'FAIL', severity: 'critical' });
      expect((byName(f, 'debug-all-open', region)?.evidence.worldOpenRules as { kind: string; source: string }[]).map((r) => `${r.kind} from ${r.source}`)).toEqual(['all-traffic from 0.0.0.0/0', 'all-ports from ::/0']);
      // 0-1024 fails on the sensitive ports it contains; 1025-1432 only borders 1433 (MSSQL): WARN
      expect(byName(f, 'legacy-low-ports', region)?.evidence.worldOpenRules).toEqual([
        expect.objectContaining({ ports: '0-1024', status: 'FAIL', sensitivePorts: ['20-23', '25', '110', '135', '137-139', '143', '445'] }),
        expect.objectContaining({ ports: '1025-1432', status: 'WARN', kind: 'public-ports' }),
      ]);
      expect(byName(f, 'legacy-low-ports', region)).toMatchObject({ status: 'FAIL' });
      expect(byName(f, 'dns-and-cache', region)).toMatchObject({ status: 'FAIL' });
      expect(byName(f, 'ping', region)).toMatchObject({ status: 'WARN' });
      expect(byName(f, 'postgres-mixed', region)).toMatchObject({ status: 'FAIL', evidence: expect.objectContaining({ attachedTo: [expect.stringMatching(/^rds: /), expect.stringMatching(/^lambda: /)] }) });
      expect(byName(f, 'web-alb', region)).toMatchObject({ status: 'PASS', reason: expect.stringMatching(/\(attached to ELB app\/web-alb\/50dc6c495c0c9188\)$/), evidence: expect.objectContaining({ attachmentCount: 1 }) });
      expect(byName(f, 'old-ssh-unused', region)).toMatchObject({ status: 'FAIL', severity: 'medium', evidence: expect.objectContaining({ attached: false }) });
      expect(byName(f, 'search-partners', region)?.reason).toMatch(/from pl-\w+ \(contains 0\.0\.0\.0\/0\)/);
    }
    expect(byName(report.findings, 'default', 'us-east-1')?.status).toBe('PASS');
    expect(byName(report.findings, 'default', 'eu-west-1')?.status).toBe('FAIL');
    expect(report.actions).toEqual([]);
  });

  it('dry-runs the remediation with EC2 DryRun: each failing group, only its failing rules', async () => {
    const { report, clients } = await run(config({ enabled: true, maxActions: 20 }), true);
    expect(report.actions).toHaveLength(17);
    expect(report.actions.every((a) => a.outcome === 'dry-run')).toBe(true);
    const mixed = report.actions.find((a) => a.detail?.groupName === 'postgres-mixed' && a.region === 'us-east-1');
    expect(mixed?.detail?.revokedRules).toEqual([expect.objectContaining({ ports: '5432', source: '0.0.0.0/0', description: 'added during incident' })]);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const legacy = report.actions.find((a) => a.detail?.groupName === 'legacy-low-ports' && a.region === region);
      expect((legacy?.detail?.revokedRules as { ports: string }[]).map((r) => r.ports)).toEqual(['0-1024']);
      const open = report.actions.find((a) => a.detail?.groupName === 'debug-all-open' && a.region === region);
      expect((open?.detail?.revokedRules as { protocol: string; ports: string; source: string }[]).map((r) => `${r.protocol} ${r.ports} ${r.source}`)).toEqual(['-1 all 0.0.0.0/0', 'tcp 0-65535 ::/0']);
    }
    expect(clients.stats.rows().find((r) => r.operation === 'ec2.RevokeSecurityGroupIngress')?.calls).toBe(17);
  });

  it('never pretends to change the sample: a real run changes only the groups the recording answers (postgres-mixed, for the demo)', async () => {
    const { report } = await run(config({ enabled: true, maxActions: 20 }), false);
    const [recorded, others] = [report.actions.filter((a) => a.detail?.groupName === 'postgres-mixed'), report.actions.filter((a) => a.detail?.groupName !== 'postgres-mixed')];
    expect(recorded.map((a) => `${a.region} ${a.outcome}`).sort()).toEqual(['eu-west-1 done', 'us-east-1 done']);
    expect(others).toHaveLength(15);
    for (const a of others) expect(a).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/^NotRecorded/) });
  });
});
