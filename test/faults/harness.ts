import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import type { Finding } from '../../shared/model';
import type { SourceError } from '../../shared/collect/outcome';
import { account, REGIONS } from './account';
import { fakeAws, withEndpoint, type Answer, type Call } from './fake-aws';

/** Deadlines of the fault suite: short, so a source that never answers costs a second, not minutes. */
export const DEADLINES = { runSeconds: 8, sourceSeconds: 1.5, requestSeconds: 1, deliverySeconds: 0.5 };

export interface FaultRun {
  readonly exitCode: number;
  readonly ms: number;
  readonly out: string;
  readonly err: string;
  readonly state: string;
  readonly findings: readonly Finding[];
  readonly notEvaluated: readonly SourceError[];
  readonly calls: readonly Call[];
  readonly dir: string;
}

/**
 * `opsbots run all` (the CLI's main, in-process) against the loopback account, with `fault` answering
 * the calls it picks (undefined: the account answers). Returns the exit code, what was printed, and the
 * findings JSON the run wrote.
 */
export async function runAll(fault: (call: Call) => Answer | undefined, stage: Record<string, unknown> = {}, args: string[] = []): Promise<FaultRun> {
  const aws = await fakeAws((call) => fault(call) ?? account(call));
  const dir = mkdtempSync(join(tmpdir(), 'opsbots-faults-'));
  const config = join(dir, 'stage.json');
  writeFileSync(config, JSON.stringify({ region: 'us-east-1', account: { alias: 'faults' }, regions: [...REGIONS], maxAttempts: 2, deadlines: DEADLINES, ...stage }));
  const out: string[] = [];
  const err: string[] = [];
  const start = performance.now();
  try {
    const exitCode = await withEndpoint(aws.url, () => main(['node', 'opsbots', 'run', 'all', '--config', config, '--out', join(dir, 'out'), ...args], (s) => out.push(s), (s) => err.push(s)));
    const ms = performance.now() - start;
    const json = JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')) as { state: string; findings: Finding[]; notEvaluated?: SourceError[] };
    return { exitCode, ms, out: out.join('\n'), err: err.join('\n'), state: json.state, findings: json.findings, notEvaluated: json.notEvaluated ?? [], calls: aws.calls(), dir };
  } finally {
    await aws.close();
  }
}

/** The audits that read each source, where a failed read leaves nothing of the audit seen in that region. */
export const READERS: Readonly<Record<string, readonly string[]>> = {
  'iam.credentialReport': ['iam-console-mfa', 'iam-root-mfa', 'iam-access-key-age', 'iam-unused-credentials'],
  'iam.serverCertificates': ['certificate-expiry'],
  'acm.certificates': ['certificate-expiry'],
  'ec2.instances': ['ec2-required-tags'],
  'ec2.securityGroups': ['ec2-open-security-groups'],
};

/** What was not read: a source (or a resource, e.g. a user read one by one) in a region. */
export interface Gap {
  /** Named by an ERROR finding: the source in its reason, or the resource as its id. */
  readonly name: string;
  readonly region: string;
  /** The run must show no PASS of these audits in `region` (default: READERS[name]). */
  readonly audits?: readonly string[];
  /** ...or no PASS for this resource. */
  readonly resourceId?: string;
}

/**
 * The fail-closed contract: exit 2, state incomplete, an ERROR finding naming each gap in its region,
 * and no PASS for what was not read.
 */
export function expectIncomplete(r: FaultRun, gaps: readonly Gap[]): void {
  expect({ exitCode: r.exitCode, state: r.state }).toEqual({ exitCode: 2, state: 'incomplete' });
  for (const gap of gaps) {
    const errors = r.findings.filter((f) => f.status === 'ERROR' && f.region === gap.region && (f.reason.includes(gap.name) || f.resourceId === gap.name));
    expect({ gap, named: errors.length > 0 }).toEqual({ gap, named: true });
    const audits = gap.audits ?? READERS[gap.name] ?? [];
    const passed = r.findings.filter((f) => f.status === 'PASS' && f.region === gap.region && (audits.includes(f.auditId) || f.resourceId === gap.resourceId));
    expect(passed.map((f) => `${f.auditId} ${f.resourceId}: ${f.reason}`)).toEqual([]);
  }
}

/** The other region was still read and judged: `auditId` has findings there that are not ERROR. */
export function expectEvaluated(r: FaultRun, auditId: string, region: string): void {
  expect(r.findings.filter((f) => f.auditId === auditId && f.region === region && f.status !== 'ERROR').length).toBeGreaterThan(0);
}
