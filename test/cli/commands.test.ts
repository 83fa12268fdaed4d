import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AUDITS } from '../../shared/audits/index';
import { TOOL } from '../../shared/version';
import type { AuditListing } from '../../cli/list';
import { cli } from './invoke';
import { main } from '../../cli/main';

const SAMPLE_CONFIG = join(__dirname, '../../config/sample.yml');
const tmp = () => mkdtempSync(join(tmpdir(), 'opsbots-commands-'));

/** A stage file in a temporary folder. */
function stageFile(content: unknown): string {
  const file = join(tmp(), 'mystage.yml');
  writeFileSync(file, stringify(content));
  return file;
}

describe('cli: opsbots --version', () => {
  it("prints package.json's version", async () => {
    expect(await cli('--version')).toEqual({ code: 0, out: TOOL.version, err: '' });
    expect(TOOL.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('cli: opsbots list', () => {
  it('--json lists every audit with what it reads, its settings with defaults and its remediation', async () => {
    const { code, out } = await cli('list', '--json');
    expect(code).toBe(0);
    const listed = JSON.parse(out) as AuditListing[];
    expect(listed.map((a) => a.id)).toEqual(AUDITS.map((a) => a.id));
    for (const audit of AUDITS) {
      const entry = listed.find((a) => a.id === audit.id);
      expect(entry).toMatchObject({ title: audit.title, severity: audit.severity, fix: audit.remediation });
      const defaults = Object.fromEntries(Object.entries(entry?.settings ?? {}).map(([k, v]) => [k, v.default]));
      expect(defaults).toEqual(audit.settings.parse({}));
      expect(entry?.reads.map((r) => r.source)).toEqual(audit.sources);
      for (const r of entry?.reads ?? []) expect(r.name).not.toBe('');
      expect(entry?.remediation === null).toBe(audit.action === undefined);
    }
    const keyAge = listed.find((a) => a.id === 'iam-access-key-age');
    expect(keyAge?.iamActions).toEqual(expect.arrayContaining(['iam:GetCredentialReport', 'iam:ListAccessKeys']));
    expect(keyAge?.remediation).toMatchObject({ does: expect.stringContaining('Deactivates (never deletes)'), iamActions: ['iam:UpdateAccessKey'], settings: { enabled: { default: false }, maxActions: { default: 10 } } });
    expect(keyAge?.settings.maxAgeDays).toEqual({ default: 90, description: expect.stringContaining('FAILs') });
  });

  it('describes every setting it lists, of every audit and every remediation, in --json and in text', async () => {
    const [json, text] = await Promise.all([cli('list', '--json'), cli('list')]);
    const listed = JSON.parse(json.out) as AuditListing[];
    const settings = listed.flatMap((a) => [...Object.entries(a.settings), ...Object.entries(a.remediation?.settings ?? {})].map(([name, s]) => ({ audit: a.id, name, ...s })));
    expect(settings.length).toBeGreaterThan(15);
    expect(settings.filter((s) => typeof s.description !== 'string' || s.description.trim().length < 10)).toEqual([]);
    // Every key the audits' and actions' schemas accept is listed (none left out because it has no description).
    for (const audit of AUDITS) {
      const entry = listed.find((a) => a.id === audit.id);
      expect(Object.keys(entry?.settings ?? {})).toEqual(Object.keys(audit.settings.parse({}) as object));
      if (audit.action) expect(Object.keys(entry?.remediation?.settings ?? {})).toEqual(['enabled', ...Object.keys(audit.action.settings.parse({}) as object)]);
    }
    // The text shows each one under its default.
    const lines = text.out.split('\n').map((l) => l.trim());
    for (const s of settings) expect(lines).toContain(s.description);
    for (const s of settings) expect(lines.filter((l, i) => l === s.description && lines[i - 1]?.startsWith(`${s.name}: `))).not.toEqual([]);
  });

  it('prints the same as text, one block per audit', async () => {
    const { code, out } = await cli('list');
    expect(code).toBe(0);
    expect(out).toContain('iam-access-key-age  [high]  Access keys not rotated');
    expect(out).toMatch(/settings \(default\):\n {4}maxAgeDays: 90\n {6}An active key older than this many days FAILs.*\n {4}warnAgeDays: 80\n {6}\S/);
    expect(out).toContain('reads: IAM credential report;');
    expect(out).toContain('ACM certificates (per region)');
    expect(out).toMatch(/iam-root-mfa[\s\S]*?remediation: none/);
  });
});

describe('cli: opsbots validate', () => {
  it('exits 0 for the bundled stages, warning about example.com addresses and the SES identity it cannot check', async () => {
    const { code, out } = await cli('validate', '--stage', 'dev');
    expect(code).toBe(0);
    expect(out).toMatch(/dev\.yml \(stage dev\): valid/);
    expect(out).toContain('warning: notify.to.0: ops-dev@example.com is a documentation address');
    expect(out).toContain('warning: notify.from: SES identity verification cannot be checked offline: verify opsbots@example.com (or its domain) in us-east-1');
  });

  it('exits 3 naming every field a deploy would reject, the deployment references included', async () => {
    const file = stageFile({ regions: ['eu-west-99'], audits: { 'iam-console-mfa': { settings: { graceDay: 1 } } } });
    const bad = await cli('validate', '--config', file);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('mystage.yml (stage mystage): INVALID');
    expect(bad.err).toContain('error: regions.0: "eu-west-99" is not a region of the aws partition');
    const settings = await cli('validate', '--config', stageFile({ audits: { 'iam-console-mfa': { settings: { graceDay: 1 } } } }));
    expect(settings).toMatchObject({ code: 3, err: expect.stringContaining('error: audits.iam-console-mfa.settings.graceDay: unknown key (did you mean "graceDays"?)') });
    // Only the deployment knows which functions a stage has: a warmer target naming one it does not deploy.
    const reference = await cli('validate', '--config', stageFile({ warmer: { enabled: true, targets: [{ function: 'iamConsoleMfa' }] } }));
    expect(reference).toMatchObject({ code: 3, err: expect.stringContaining('error: warmer.targets.0.function: unknown function') });
  });

  it('warns about an expired exemption (reports show it as expired) and --json gives the same as data', async () => {
    const file = stageFile({ exemptions: [{ match: 'iam-console-mfa:global:bob', reason: 'temp', expires: '2020-01-31' }, { match: 'iam-root-mfa:*:*', expires: '2999-01-01' }] });
    const { code, out } = await cli('validate', '--config', file, '--json');
    expect(code).toBe(0);
    const v = JSON.parse(out) as { valid: boolean; warnings: string[] };
    expect(v.valid).toBe(true);
    expect(v.warnings).toEqual([expect.stringContaining('exemptions.0: "iam-console-mfa:global:bob" expired on 2020-01-31: it suppresses nothing any more')]);
  });

  it('needs a stage and lists the stages there are when it is not found', async () => {
    expect(await cli('validate')).toMatchObject({ code: 3, err: expect.stringContaining('give --stage NAME or --config FILE') });
    expect(await cli('validate', '--stage', 'qa')).toMatchObject({ code: 3, err: expect.stringMatching(/the stages there are: dev, .*prod, sample/) });
  });
});

describe('cli: opsbots run prints the findings people act on', () => {
  const run = (...args: string[]) => cli('run', 'all', '--replay', 'sample', '--config', SAMPLE_CONFIG, '--dry-run', ...args);

  it('prints non-PASS findings grouped by audit with the fix, then the summary; suppressed ones are only counted', async () => {
    const { code, out } = await run();
    expect(code).toBe(2);
    const table = out.slice(0, out.indexOf('audit   '));
    expect(table).toMatch(/^iam-console-mfa: Console users without MFA \(4\)\n\s+STATUS\s+SEVERITY\s+RESOURCE\s+REGION\s+REASON\n\s+FAIL\s+high\s+bob\s+global\s+console password enabled but no MFA device assigned/m);
    expect(table).toContain(`  fix: ${AUDITS.find((a) => a.id === 'iam-console-mfa')?.remediation}`);
    expect(table).toMatch(/ERROR\s+high\s+acm\.certificates\s+ap-southeast-2\s+not evaluated/);
    expect(table).not.toMatch(/breakglass/); // suppressed by the stage's exemption
    expect(table).not.toMatch(/\bPASS\b/);
    expect(out.indexOf('state: incomplete')).toBeGreaterThan(out.indexOf('audit   '));
  });

  it('--status and --severity filter what is printed, never what is evaluated or written', async () => {
    const dir = tmp();
    const all = await run('--json', join(dir, 'all.json'));
    const some = await run('--status', 'fail', '--severity', 'critical,high', '--json', join(dir, 'some.json'));
    expect(some.code).toBe(all.code);
    expect(readFileSync(join(dir, 'some.json'), 'utf8').replace(/"(startedAt|finishedAt)": "[^"]+"/g, '')).toBe(readFileSync(join(dir, 'all.json'), 'utf8').replace(/"(startedAt|finishedAt)": "[^"]+"/g, ''));
    const rows = some.out.split('\n').filter((l) => /^\s+(FAIL|WARN|ERROR|PASS)\s/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^\s+FAIL\s+(critical|high)\s/);
    expect(some.out).not.toContain('ec2-required-tags: EC2'); // only medium and low findings there
    expect(some.out).toMatch(/ec2-required-tags\s+18\s+2/); // the summary still counts everything
  });

  it('--quiet prints neither the table nor the summary, only the state and problems', async () => {
    const { code, out } = await run('--quiet');
    expect(code).toBe(2);
    expect(out).not.toMatch(/STATUS|FAIL  WARN/);
    expect(out).toMatch(/^state: incomplete/m);
  });

  it('rejects a --status or --severity value, naming the allowed ones, before any AWS call', async () => {
    expect(await run('--status', 'FAILED')).toMatchObject({ code: 3, err: 'opsbots: --status: "FAILED" is not one of FAIL, WARN, ERROR, PASS' });
    expect(await run('--severity', 'urgent')).toMatchObject({ code: 3, err: 'opsbots: --severity: "urgent" is not one of critical, high, medium, low, info' });
  });

  it('--json - writes the findings JSON alone to stdout; everything for people goes to stderr', async () => {
    const { code, out, err } = await run('--json', '-');
    expect(code).toBe(2);
    const envelope = JSON.parse(out) as { state: string; findings: unknown[] };
    expect(envelope.state).toBe('incomplete');
    expect(envelope.findings.length).toBeGreaterThan(50);
    expect(err).toMatch(/^state: incomplete/m);
    expect(err).toContain('fix: ');
  });

  it('--csv - writes the CSV alone to stdout, --csv FILE to a file; both documents cannot share stdout', async () => {
    const stdout = await run('--csv', '-', '--quiet');
    expect(stdout.out.split('\n')[0]).toMatch(/^auditId,/);
    expect(stdout.err).toMatch(/^state: incomplete/m);
    const file = join(tmp(), 'findings.csv');
    const written = await run('--csv', file, '--quiet');
    expect(readFileSync(file, 'utf8').trimEnd()).toBe(stdout.out);
    expect(written.out).toMatch(/^state: incomplete/m);
    expect(await run('--json', '-', '--csv', '-')).toMatchObject({ code: 3, err: expect.stringContaining('only one document can go to stdout') });
    // --verbose logs to stdout: it would corrupt the document.
    expect(await run('--json', '-', '--verbose')).toMatchObject({ code: 3, out: '', err: expect.stringContaining('--verbose writes its log lines to stdout, which --json - needs') });
  });
});

describe('cli: progress on a terminal', () => {
  const args = ['node', 'opsbots', 'run', 'all', '--replay', 'sample', '--config', SAMPLE_CONFIG, '--dry-run'];

  it('shows the sources and regions read of the total on stderr, then erases the line before the table', async () => {
    const writes: string[] = [];
    const out: string[] = [];
    const code = await main(args, (s) => out.push(s), () => undefined, { isTTY: true, write: (t) => void writes.push(t) });
    expect(code).toBe(2);
    const steps = writes.flatMap((w) => /^\r\x1b\[Kcollecting (\d+)\/(\d+): (\S+) (\S+)$/.exec(w) ?? []).length;
    expect(steps).toBeGreaterThan(0);
    const seen = writes.map((w) => /collecting (\d+)\/(\d+)/.exec(w)).filter((m) => m !== null).map((m) => [Number(m[1]), Number(m[2])]);
    const total = seen[0]?.[1] ?? 0;
    // Each global source once, each regional source once per region: counted up to the total, once each.
    expect(seen.map(([done]) => done)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(writes.some((w) => /: ec2\.instances eu-west-1$/.test(w))).toBe(true);
    expect(writes.at(-1)).toBe('\r\x1b[K');
    expect(out.join('\n')).not.toContain('collecting');
  });

  it('writes nothing off a terminal, nor with --quiet', async () => {
    const writes: string[] = [];
    await main(args, () => undefined, () => undefined, { isTTY: false, write: (t) => void writes.push(t) });
    await main([...args, '--quiet'], () => undefined, () => undefined, { isTTY: true, write: (t) => void writes.push(t) });
    expect(writes).toEqual([]);
  });
});

describe('cli: progress of an organization run on a terminal', () => {
  const args = ['node', 'opsbots', 'run', 'iam-root-mfa', '--replay', 'sample/org', '--dry-run'];
  const PROGRESS = /^\r\x1b\[Korganization: (\d+) accounts discovered \((\d+) to audit, 1 skipped\); accounts (\d+)\/(\d+) done(?:, (\d+) failed)?$/;

  it('shows the accounts discovered, then accounts done of the total with the failures, on stderr only, and erases the line before the report', async () => {
    const writes: string[] = [];
    const out: string[] = [];
    const code = await main(args, (s) => out.push(s), (s) => out.push(s), { isTTY: true, write: (t) => void writes.push(t) });
    expect(code).toBe(2);
    const seen = writes.map((w) => PROGRESS.exec(w)).filter((m) => m !== null);
    expect(seen.length).toBe(writes.length - 1);
    // The sample organization: 4 accounts, 3 to audit (one without the role), 1 suspended.
    expect(seen.map((m) => [m[1], m[2], m[4]])).toEqual(Array.from({ length: 4 }, () => ['4', '3', '3']));
    expect(seen.map((m) => Number(m[3]))).toEqual([0, 1, 2, 3]);
    expect(seen.at(-1)?.[5]).toBe('1');
    expect(writes.at(-1)).toBe('\r\x1b[K');
    expect(out.join('\n')).not.toMatch(/accounts discovered|done/);
  });

  it('writes nothing off a terminal, nor with --quiet, nor when stdout carries the JSON', async () => {
    const writes: string[] = [];
    const terminal = { isTTY: true, write: (t: string) => void writes.push(t) };
    await main(args, () => undefined, () => undefined, { isTTY: false, write: (t) => void writes.push(t) });
    await main([...args, '--quiet'], () => undefined, () => undefined, terminal);
    await main([...args, '--json', '-'], () => undefined, () => undefined, terminal);
    expect(writes).toEqual([]);
  });
});
