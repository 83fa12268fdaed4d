import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validator, problems } from '../schemas/ajv';
import { ROOT, cli, opsbots } from '../cli/invoke';
import { parse } from 'yaml';
import { normalise } from '../../shared/config/index';

const SAMPLE_ORG = join(ROOT, 'sample', 'org');

describe('opsbots run --org on the bundled sample organization', () => {
  it('exits 2 when a member could not be assumed, naming every account in scope; 3 for a bad option, before any AWS call', async () => {
    const [run, bad] = await Promise.all([
      opsbots('run', 'iam-root-mfa', '--replay', 'sample/org', '--dry-run'),
      opsbots('run', 'all', '--org', '--include-ous', 'Production'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('333333333333  acme-legacy       NOT AUDITED: could not assume arn:aws:iam::333333333333:role/OpsbotsAudit: AccessDenied');
    expect(run.stdout).toContain('444444444444  acme-old-sandbox  skipped: account SUSPENDED');
    expect(bad).toMatchObject({ code: 3, stderr: expect.stringMatching(/--include-ous: "Production": not an OU id/) });
  }, 60_000);

  it('exits 1 (findings, not incomplete) when the only account not audited is suspended', async () => {
    const r = await opsbots('run', 'iam-root-mfa', '--replay', 'sample/org', '--exclude-accounts', '333333333333', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('state: findings');
    expect(r.stdout).not.toContain('333333333333');
  }, 60_000);

  it('writes a findings JSON that validates and lists each account with whether it was audited and why not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-org-json-'));
    const r = await cli('run', 'all', '--replay', SAMPLE_ORG, '--config', join(ROOT, 'config', 'sample.yml'), '--dry-run', '--json', join(dir, 'findings.json'), '--results', join(dir, 'results'));
    expect(r.code).toBe(2);
    const json = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8'));
    expect(problems(validator('findings.schema.json'), json)).toEqual([]);
    expect(json.accounts).toEqual([
      { id: '123456789012', partition: 'aws', alias: 'acme-prod', status: 'audited' },
      { id: '222222222222', partition: 'aws', alias: 'acme-dev', status: 'audited' },
      { id: '333333333333', partition: 'aws', alias: 'acme-legacy', status: 'error', reason: 'could not assume arn:aws:iam::333333333333:role/OpsbotsAudit: AccessDenied' },
      { id: '444444444444', partition: 'aws', alias: 'acme-old-sandbox', status: 'skipped', reason: 'account SUSPENDED' },
    ]);
    const members = new Set(json.findings.map((f: { account: string }) => f.account));
    expect(members).toEqual(new Set(['123456789012', '222222222222', '333333333333']));
    // Every member finding's ARN carries its own account.
    const intern = json.findings.find((f: { resourceId: string }) => f.resourceId === 'intern');
    expect(intern).toMatchObject({ auditId: 'iam-console-mfa', status: 'FAIL', account: '222222222222', resource: 'arn:aws:iam::222222222222:user/intern' });
    // Each remediation step names the member account its undo command must run in.
    expect(r.out).toContain('remediation:\n  - account 123456789012: deactivate access key AKIABOBKEY0000000002 (global): dry-run');
    expect(r.out).toContain('  - account 222222222222: revoke-ingress sg-0d000000000000001 (eu-west-1): skipped');
    // Each account's full result is kept under --results, PASS findings included.
    const dev = JSON.parse(readFileSync(join(dir, 'results', '20261120T080000Z-sample', 'accounts', '222222222222.json'), 'utf8'));
    expect(dev.report.findings.some((f: { status: string }) => f.status === 'PASS')).toBe(true);
  }, 60_000);

  it('--split-regions finds exactly what one step per account finds (same findings, counts and state), each part kept under --results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-org-split-'));
    const args = ['run', 'iam-console-mfa', 'iam-unused-credentials', 'certificate-expiry', '--replay', SAMPLE_ORG, '--config', join(ROOT, 'config', 'sample.yml'), '--dry-run', '--regions', 'us-east-1,eu-west-1'];
    const [whole, split] = [await cli(...args, '--json', join(dir, 'whole.json')), await cli(...args, '--split-regions', '--json', join(dir, 'split.json'), '--results', join(dir, 'results'))];
    expect([whole.code, split.code]).toEqual([2, 2]); // acme-legacy has no role either way
    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const [a, b] = [read('whole.json'), read('split.json')];
    const keys = (j: { findings: Record<string, unknown>[] }) => j.findings.map((f) => `${f.account} ${f.auditId} ${f.status} ${f.region} ${f.resource} ${f.reason}`).sort();
    expect(keys(b)).toEqual(keys(a));
    expect(b.audits).toEqual(a.audits);
    expect([b.state, b.accounts]).toEqual([a.state, a.accounts]);
    const part = read(join('results', '20261120T080000Z-sample', 'accounts', '123456789012', 'eu-west-1.json'));
    expect(part).toMatchObject({ part: 'eu-west-1', report: { regions: ['eu-west-1'] } });
    expect(split.err).toBe('');
    await expect(cli('run', 'all', '--replay', SAMPLE_ORG, '--config', join(ROOT, 'config', 'sample.yml'), '--dry-run', '--split-regions')).resolves.toMatchObject({ code: 3, err: expect.stringMatching(/organization\.splitRegions: needs an explicit regions list/) });
  }, 60_000);

  it('refuses --replay of a one-account recording with --org', async () => {
    const r = await cli('run', 'iam-root-mfa', '--org', '--replay', join(ROOT, 'sample'), '--dry-run');
    expect(r).toMatchObject({ code: 3, err: expect.stringMatching(/not an organization recording/) });
  });

  it('prints the accounts exactly as the README shows them, and the README\'s organization block is a valid stage block', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split(/^## /m).find((s) => s.startsWith('Organization mode\n')) ?? '';
    const shown = /```\n(accounts:\n[\s\S]*?)```/.exec(readme)?.[1]?.trimEnd();
    const r = await cli('run', 'iam-root-mfa', '--replay', SAMPLE_ORG, '--dry-run');
    expect(shown).toBeDefined();
    expect(r.out).toContain(shown);
    const block = parse(/```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '');
    expect(normalise('readme', block).organization).toMatchObject({ includeOus: ['ou-a1b2-prod0001'], includeTags: { Environment: ['prod', 'staging'] }, excludeTags: { opsbots: ['skip'] } });
  });
});
