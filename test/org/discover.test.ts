import { DescribeOrganizationalUnitCommand, ListAccountsCommand, ListParentsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-organizations';
import { Clients } from '../../shared/aws/clients';
import { normalise } from '../../shared/config/index';
import { MemoryLog } from '../../shared/logger';
import { organizationSchema, type OrganizationInput } from '../../shared/org/config';
import { discover } from '../../shared/org/discover';
import { auditItems } from '../../shared/org/types';
import { configProblem as problem } from '../builders';
import { mockOrganization } from './org-fixture';

let mocks: ReturnType<typeof mockOrganization>;
beforeEach(() => (mocks = mockOrganization()));
afterEach(() => {
  mocks.org.restore();
  mocks.sts.restore();
});

const run = (settings: OrganizationInput = {}) => discover({ clients: new Clients(), settings: organizationSchema.parse(settings), runId: 'run-1', log: new MemoryLog() });
const plans = (d: Awaited<ReturnType<typeof run>>) => Object.fromEntries(d.accounts.map((a) => [a.id, a.reason ? `${a.plan}: ${a.reason}` : a.plan]));

describe('org config: the organization block', () => {
  it('fills the defaults and is hooked into the stage schema', () => {
    expect(normalise('dev', { organization: {} }).organization).toMatchObject({ accounts: 'all', roleName: 'OpsbotsAudit', accountConcurrency: 10, includeManagementAccount: false, sessionSeconds: 3600 });
    expect(normalise('dev', {}).organization).toBeUndefined();
  });

  it('rejects unknown keys, bad ids and a concurrency above 50, naming the field', () => {
    expect(problem(() => normalise('dev', { organization: { roleNme: 'x' } }))).toMatch(/organization\.roleNme: unknown key/);
    expect(problem(() => normalise('dev', { organization: { accountConcurrency: 51 } }))).toMatch(/organization\.accountConcurrency/);
    expect(problem(() => normalise('dev', { organization: { includeOus: ['Prod'] } }))).toMatch(/organization\.includeOus\.0: not an OU id/);
    expect(problem(() => normalise('dev', { organization: { excludeAccounts: ['12345'] } }))).toMatch(/organization\.excludeAccounts\.0: not an AWS account id/);
    expect(problem(() => normalise('dev', { organization: { sessionSeconds: 7200 } }))).toMatch(/organization\.sessionSeconds/);
    // YAML reads unquoted ids as numbers: 12 digits are taken as written, a lost leading zero is refused.
    expect(normalise('dev', { organization: { excludeAccounts: [222222222222] } }).organization?.excludeAccounts).toEqual(['222222222222']);
    expect(problem(() => normalise('dev', { organization: { accounts: [12345678901] } }))).toMatch(/organization\.accounts\.0: not an AWS account id \(12 digits; quote it in YAML/);
  });
});

describe('org discovery', () => {
  it('lists every account over pages, skips suspended and closing ones by state, and leaves the management account out', async () => {
    const d = await run();
    expect(mocks.calls.ListAccounts).toBe(2);
    expect(plans(d)).toEqual({ '222222222222': 'audit', '333333333333': 'audit', '444444444444': 'skip: SUSPENDED', '555555555555': 'skip: PENDING_CLOSURE' });
    expect(d).toMatchObject({ partition: 'aws', caller: '111111111111', organizationId: 'o-abc1234567', managementAccount: '111111111111', outOfScope: 1, errors: [] });
    expect(auditItems(d)).toEqual([
      { runId: 'run-1', partition: 'aws', account: { id: '222222222222', name: 'prod' } },
      { runId: 'run-1', partition: 'aws', account: { id: '333333333333', name: 'payments' } },
    ]);
  });

  it('reads State and falls back to the older Status field', async () => {
    const d = await run();
    expect(d.accounts.find((a) => a.id === '333333333333')?.state).toBe('ACTIVE');
    expect(d.accounts.find((a) => a.id === '555555555555')?.state).toBe('PENDING_CLOSURE');
  });

  it('gives each account its OU path from the root, reading each OU once', async () => {
    const d = await run();
    expect(d.accounts.find((a) => a.id === '333333333333')?.ous).toEqual([
      { id: 'r-ab12', name: 'Root' },
      { id: 'ou-ab12-prod0001', name: 'Prod' },
      { id: 'ou-ab12-paym0001', name: 'Payments' },
    ]);
    expect(mocks.calls['ListParents:ou-ab12-prod0001']).toBe(1);
    expect(mocks.calls['ListParents:ou-ab12-sand0001']).toBe(1);
  });

  it('includes the children of an included OU and drops an excluded child OU', async () => {
    expect(Object.keys(plans(await run({ includeOus: ['ou-ab12-prod0001'] })))).toEqual(['222222222222', '333333333333']);
    expect(Object.keys(plans(await run({ includeOus: ['ou-ab12-prod0001'], excludeOus: ['ou-ab12-paym0001'] })))).toEqual(['222222222222']);
    expect(Object.keys(plans(await run({ includeOus: ['ou-ab12-paym0001'], includeAccounts: ['444444444444'] })))).toEqual(['333333333333', '444444444444']);
    expect(Object.keys(plans(await run({ excludeAccounts: ['222222222222'] })))).not.toContain('222222222222');
  });

  it('audits the management account only when asked', async () => {
    expect(plans(await run({ includeManagementAccount: true }))['111111111111']).toBe('audit');
  });

  it('filters on account tags, reading them only when a tag filter is set', async () => {
    await run();
    expect(mocks.calls.ListTagsForResource).toBeUndefined();
    expect(Object.keys(plans(await run({ includeTags: { env: 'prod' } })))).toEqual(['222222222222', '333333333333']);
    expect(Object.keys(plans(await run({ excludeTags: { env: ['prod', 'staging'] } })))).toEqual(['444444444444', '555555555555']);
  });

  it('names an explicitly listed account the organization does not hold, instead of dropping it', async () => {
    const d = await run({ accounts: ['222222222222', '999999999999'] });
    expect(plans(d)).toEqual({ '222222222222': 'audit', '999999999999': 'not-audited: NotInOrganization: not an account of this organization' });
  });

  it('names the management account as not audited when a stage lists it by id without includeManagementAccount, instead of dropping it', async () => {
    for (const settings of [{ accounts: ['111111111111', '222222222222'] }, { includeAccounts: ['111111111111'], includeOus: ['ou-ab12-prod0001'] }]) {
      const d = await run(settings);
      expect(plans(d)['111111111111']).toMatch(/^not-audited: ManagementAccount: listed, but includeManagementAccount is false/);
      expect(plans(d)['222222222222']).toBe('audit');
    }
    expect(plans(await run({ accounts: ['111111111111'], includeManagementAccount: true }))).toEqual({ '111111111111': 'audit' });
  });

  it('audits nothing from a half-read account list: a ListAccounts page that fails is named, never a shorter organization', async () => {
    mocks.org.on(ListAccountsCommand, { NextToken: 'page2' }).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const d = await run();
    expect(auditItems(d)).toEqual([]);
    expect(d.errors).toEqual([expect.objectContaining({ source: 'organizations.accounts', code: 'TooManyRequestsException' })]);
  });

  it('keeps an account whose tags could not be read in scope as not audited when a tag filter needs them', async () => {
    mocks.org.on(ListTagsForResourceCommand, { ResourceId: '333333333333' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const d = await run({ includeTags: { env: 'prod' } });
    expect(plans(d)).toEqual({ '222222222222': 'audit', '333333333333': 'not-audited: scope unknown: ListTagsForResource AccessDeniedException' });
    expect(d.errors).toEqual([expect.objectContaining({ source: 'organizations.tags', code: 'AccessDeniedException', message: expect.stringContaining('333333333333') })]);
  });

  it('audits an account whose OU path could not be read when no OU filter needs it, and names the unread path', async () => {
    mocks.org.on(ListParentsCommand, { ChildId: '333333333333' }).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    const d = await run();
    expect(plans(d)['333333333333']).toBe('audit');
    expect(d.errors).toEqual([expect.objectContaining({ source: 'organizations.parents', code: 'TooManyRequestsException', message: expect.stringContaining('333333333333') })]);
  });

  it('keeps an account whose OU could not be read in scope as not audited when an OU filter needs it', async () => {
    mocks.org.on(ListParentsCommand, { ChildId: '333333333333' }).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    const d = await run({ excludeOus: ['ou-ab12-sand0001'] });
    expect(plans(d)['333333333333']).toBe('not-audited: scope unknown: ListParents TooManyRequestsException');
    expect(d.errors).toEqual([expect.objectContaining({ source: 'organizations.parents', code: 'TooManyRequestsException', message: expect.stringContaining('333333333333') })]);
  });

  it('names an included OU the organization does not hold (a typo, another organization\'s, a deleted one) as an error with the fix, never an empty clean scope', async () => {
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-typo0001' }).rejects(Object.assign(new Error('We can\'t find an OU with the OrganizationalUnitId that you specified.'), { name: 'OrganizationalUnitNotFoundException' }));
    const d = await run({ includeOus: ['ou-ab12-typo0001'] });
    expect(d.accounts).toEqual([]);
    expect(d.errors).toEqual([{ source: 'organization.includeOus', region: 'global', code: 'OrganizationalUnitNotFoundException', message: expect.stringMatching(/^ou-ab12-typo0001: this organization \(o-abc1234567\) has no such OU .*fix organization\.includeOus \(or --include-ous\)/) }]);
    expect(d.warnings).toEqual([expect.stringMatching(/^no account to audit: the scope holds no account at all/)]);
  });

  it('names an included OU that could not be read as an error, and a root id that is not this organization\'s', async () => {
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-deny0001' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const d = await run({ includeOus: ['ou-ab12-prod0001', 'ou-ab12-deny0001', 'r-zz99'] });
    expect(Object.keys(plans(d))).toEqual(['222222222222', '333333333333']);
    expect(d.errors.map((e) => `${e.code} ${e.message.split(':')[0]}`)).toEqual(['AccessDeniedException ou-ab12-deny0001', 'RootNotFound r-zz99']);
    expect(d.errors.find((e) => e.code === 'RootNotFound')?.message).toContain('whose root is r-ab12');
    expect(d.warnings).toBeUndefined();
  });

  it('checks an OU that holds audited accounts without a call, and warns (not an error) for an included OU that exists but holds no account in scope', async () => {
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-empt0001' }).resolves({ OrganizationalUnit: { Id: 'ou-ab12-empt0001', Name: 'Empty' } });
    const d = await run({ includeOus: ['ou-ab12-prod0001', 'ou-ab12-empt0001', 'ou-ab12-sand0001'], excludeAccounts: ['444444444444', '555555555555'] });
    expect(d.errors).toEqual([]);
    expect(Object.keys(plans(d))).toEqual(['222222222222', '333333333333']);
    expect(d.warnings).toEqual([
      'organization.includeOus: ou-ab12-empt0001 (Empty) exists but holds no account in scope: nothing under it was audited',
      'organization.includeOus: ou-ab12-sand0001 (Sandbox) exists but holds no account in scope: nothing under it was audited',
    ]);
    expect(mocks.org.commandCalls(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-empt0001' })).toHaveLength(1);
  });

  it('audits no account while an excluded OU is not in the organization: any account might be one it was meant to leave out', async () => {
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-typo0001' }).rejects(Object.assign(new Error('We can\'t find an OU with the OrganizationalUnitId that you specified.'), { name: 'OrganizationalUnitNotFoundException' }));
    const d = await run({ excludeOus: ['ou-ab12-typo0001'] });
    expect(auditItems(d)).toEqual([]);
    // Every account that would have been audited is named with why; the suspended ones stay skipped by state.
    expect(plans(d)).toEqual({
      '222222222222': 'not-audited: scope unknown: excludeOus ou-ab12-typo0001 OrganizationalUnitNotFoundException',
      '333333333333': 'not-audited: scope unknown: excludeOus ou-ab12-typo0001 OrganizationalUnitNotFoundException',
      '444444444444': 'skip: SUSPENDED',
      '555555555555': 'skip: PENDING_CLOSURE',
    });
    expect(d.errors).toEqual([{ source: 'organization.excludeOus', region: 'global', code: 'OrganizationalUnitNotFoundException', message: expect.stringMatching(/^ou-ab12-typo0001: this organization \(o-abc1234567\) has no such OU .*no account was audited .*fix organization\.excludeOus \(or --exclude-ous\)/) }]);
    expect(d.warnings).toEqual([expect.stringMatching(/^no account to audit: the scope holds 4 accounts, none of them to audit/)]);
  });

  it('audits no account while an excluded OU cannot be read, or an excluded root is not this organization\'s, naming each', async () => {
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-deny0001' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const d = await run({ excludeOus: ['ou-ab12-sand0001', 'ou-ab12-deny0001', 'r-zz99'], accounts: ['222222222222'] });
    expect(plans(d)).toEqual({ '222222222222': 'not-audited: scope unknown: excludeOus ou-ab12-deny0001 AccessDeniedException, r-zz99 RootNotFound' });
    expect(d.errors.map((e) => `${e.source} ${e.code} ${e.message.split(':')[0]}`)).toEqual(['organization.excludeOus AccessDeniedException ou-ab12-deny0001', 'organization.excludeOus RootNotFound r-zz99']);
  });

  it('verifies an excluded OU on an account\'s path without a call, and accepts one that exists but holds no account', async () => {
    mocks.org.on(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-empt0001' }).resolves({ OrganizationalUnit: { Id: 'ou-ab12-empt0001', Name: 'Empty' } });
    const d = await run({ excludeOus: ['ou-ab12-paym0001', 'ou-ab12-empt0001'] });
    expect(d.errors).toEqual([]);
    expect(d.warnings).toBeUndefined();
    expect(plans(d)).toEqual({ '222222222222': 'audit', '444444444444': 'skip: SUSPENDED', '555555555555': 'skip: PENDING_CLOSURE' });
    // Payments is described once, for its name on 333333333333's path; the check itself reads only Empty.
    expect(mocks.org.commandCalls(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-paym0001' })).toHaveLength(1);
    expect(mocks.org.commandCalls(DescribeOrganizationalUnitCommand, { OrganizationalUnitId: 'ou-ab12-empt0001' })).toHaveLength(1);
  });

  it('warns about an excluded account id the organization does not list (a typo audits the account meant), and audits the rest', async () => {
    const d = await run({ excludeAccounts: ['222222222222', '333333333334'] });
    expect(d.errors).toEqual([]);
    expect(plans(d)).toEqual({ '333333333333': 'audit', '444444444444': 'skip: SUSPENDED', '555555555555': 'skip: PENDING_CLOSURE' });
    expect(d.warnings).toEqual([expect.stringMatching(/^organization\.excludeAccounts: 333333333334 is not an account of this organization \(o-abc1234567\), so it leaves nothing out: if it is a typo, the account meant was audited/)]);
  });

  it('names an account id listed in includeAccounts that the organization does not hold, instead of dropping it', async () => {
    const d = await run({ includeOus: ['ou-ab12-paym0001'], includeAccounts: ['999999999999'] });
    expect(plans(d)).toEqual({ '333333333333': 'audit', '999999999999': 'not-audited: NotInOrganization: not an account of this organization' });
  });

  it('reports an organization it cannot read, naming the explicitly listed accounts as not audited', async () => {
    mocks.org.on(ListAccountsCommand).rejects(Object.assign(new Error('You don\'t have permissions'), { name: 'AccessDeniedException' }));
    const d = await run({ accounts: ['222222222222'] });
    expect(d.errors).toEqual([expect.objectContaining({ source: 'organizations.accounts', code: 'AccessDeniedException' })]);
    expect(plans(d)).toEqual({ '222222222222': 'not-audited: organization not read: organizations.accounts AccessDeniedException' });
    expect(auditItems(d)).toEqual([]);
  });
});
