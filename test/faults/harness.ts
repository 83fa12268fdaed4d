import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import type { Finding } from '../../shared/model';
import type { SourceError } from '../../shared/collect/outcome';
import { account, REGIONS } from './account';
import { fakeAws, withEndpoint, type Answer, type Call } from './fake-aws';

/**
 * Deadlines no healthy read meets, however loaded the machine (CI has 2 cores shared with other jobs): a
 * run waits on one only where a test makes something hang, and that test shortens just the deadline it
 * is about (`short`). A deadline that does not end its wait fails the test at jest's timeout, not later.
 */
export const DEADLINES = { runSeconds: 600, sourceSeconds: 60, requestSeconds: 30, deliverySeconds: 30 };

/** The deadline a fault is made to hit: short, so a source that never answers costs a second and a half. */
export const SHORT = { sourceSeconds: 1.5, deliverySeconds: 0.5 };

/**
 * What the rest of a run may take after the deadline it hit, on a loaded machine: generous, yet far below
 * what a wait that was not cut short costs (DEADLINES' minute per source, or a whole retry storm).
 */
export const LOADED_SLACK_MS = 8000;

/** The stage settings that shorten `which` of DEADLINES to `seconds` (default SHORT's), all else as given. */
export function short(which: keyof typeof SHORT, seconds: number = SHORT[which], stage: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...stage, deadlines: { ...DEADLINES, [which]: seconds } };
}

export interface FaultRun {
  readonly exitCode: number;
  readonly ms: number;
  readonly out: string;
  readonly err: string;
  readonly state: string;
  readonly findings: readonly Finding[];
  readonly notEvaluated: readonly SourceError[];
  readonly calls: readonly Call[];
  /** Requests whose connection the run closed before they were answered: a deadline that really aborts. */
  readonly aborted: number;
  /** Answers held back (`{ after }`) that were still sent: the run was still listening when they came. */
  readonly lateSent: number;
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
    // The server sees a client's abort as its socket closing: give that event its turn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const json = JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')) as { state: string; findings: Finding[]; notEvaluated?: SourceError[] };
    return { exitCode, ms, out: out.join('\n'), err: err.join('\n'), state: json.state, findings: json.findings, notEvaluated: json.notEvaluated ?? [], calls: aws.calls(), aborted: aws.aborted(), lateSent: aws.lateSent(), dir };
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
