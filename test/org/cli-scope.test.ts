import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DescribeOrganizationalUnitCommand } from '@aws-sdk/client-organizations';
import { ROOT, cli } from '../cli/invoke';
import { mockOrganization } from './org-fixture';

/**
 * `opsbots run --org` against the mocked organization of org-fixture (in-process, the CLI's own discovery):
 * a scope that names what the organization does not hold is never an empty, clean run.
 */
let mocks: ReturnType<typeof mockOrganization>;
beforeEach(() => {
  mocks = mockOrganization();
  mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-typo0001' }).rejects(Object.assign(new Error('We can\'t find an OU with the OrganizationalUnitId that you specified.'), { name: 'OrganizationalUnitNotFoundException' }));
  mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-empt0001' }).resolves({ OrganizationalUnit: { Id: 'ou-ab12-empt0001', Name: 'Empty' } });
  mocks.sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
});
afterEach(() => {
  mocks.org.restore();
  mocks.sts.restore();
});

const run = (...args: string[]) => cli('run', 'iam-root-mfa', '--config', join(ROOT, 'config', 'sample.yml'), '--dry-run', ...args);

describe('opsbots run --org: the scope names what it cannot audit', () => {
  it('exits 2 for an --include-ous the organization does not hold, naming the OU and the fix', async () => {
    const r = await run('--org', '--include-ous', 'ou-ab12-typo0001');
    expect(r.code).toBe(2);
    expect(r.out).toContain('state: incomplete (not evaluated: organization.includeOus@global OrganizationalUnitNotFoundException)');
    expect(r.out).toContain('accounts: none in scope: no account audited');
    expect(r.out).toMatch(/warning: no account to audit: .*this is not an all clear/);
  }, 30_000);

  it('exits 2 and assumes no member role for an --exclude-ous the organization does not hold: every account is named, none audited', async () => {
    const r = await run('--org', '--exclude-ous', 'ou-ab12-typo0001');
    expect(r.code).toBe(2);
    expect(r.out).toContain('state: incomplete (not evaluated: organization.excludeOus@global OrganizationalUnitNotFoundException');
    expect(r.out).toMatch(/ {2}222222222222 {2}prod +NOT AUDITED: scope unknown: excludeOus ou-ab12-typo0001 OrganizationalUnitNotFoundException\n {2}333333333333 {2}payments +NOT AUDITED: scope unknown: excludeOus ou-ab12-typo0001 OrganizationalUnitNotFoundException\n/);
    expect(r.out).toMatch(/warning: no account to audit: .*this is not an all clear/);
    expect(mocks.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    // 222222222222 carries an owner tag (the sample config sets notify.accountOwnerTag): it may be an account meant to be left out, so no part for its owner.
    expect(r.out).not.toContain('a@example.com');
  }, 30_000);

  it('warns on the CLI about an --exclude-accounts id the organization does not list', async () => {
    const r = await run('--org', '--exclude-accounts', '333333333334');
    expect(r.out).toContain('warning: organization.excludeAccounts: 333333333334 is not an account of this organization (o-abc1234567), so it leaves nothing out');
  }, 30_000);

  it('exits 0 with a warning, and never "all clear", for an included OU that exists but holds no account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-empty-ou-'));
    const r = await run('--org', '--include-ous', 'ou-ab12-empt0001', '--out', dir);
    expect(r.out).toContain('warning: organization.includeOus: ou-ab12-empt0001 (Empty) exists but holds no account in scope');
    expect(r.out).toContain('state: clean');
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'report.txt'), 'utf8');
    expect(text.split('\n')[0]).toBe('[opsbots] [dry run] organization o-abc1234567 sample: no account audited');
    expect(text).toContain('WARNING: organization.includeOus: ou-ab12-empt0001 (Empty) exists but holds no account in scope');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<b>Warning</b>: no account to audit');
  }, 30_000);

  it('shows the accounts table for a one-account run: --accounts X with X unreachable names X as not audited', async () => {
    const r = await run('--accounts', '222222222222');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/accounts:\n {2}222222222222 {2}prod {2}NOT AUDITED: could not assume arn:aws:iam::222222222222:role\/OpsbotsAudit: AccessDenied/);
  }, 30_000);

  it('names an --accounts id the organization does not hold as not audited, with why', async () => {
    const r = await run('--accounts', '999999999999');
    expect(r.code).toBe(2);
    expect(r.out).toContain('999999999999  999999999999  NOT AUDITED: NotInOrganization: not an account of this organization');
  }, 30_000);
});
