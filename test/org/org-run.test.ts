import { mockClient } from 'aws-sdk-client-mock';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { organizationSchema, type OrganizationInput } from '../../shared/org/config';
import { MemoryOrgStore } from '../../shared/org/store';
import type { AccountResult } from '../../shared/org/types';
import { renderHtml } from '../../reports/html';
import { renderText } from '../../reports/text';
import { subject } from '../../reports/subject';
import { accountStep, aggregateStep, discoverStep, runOrganization, type OrgSteps } from '../../shared/org/steps';
import { buildConfig } from '../builders';
import { consoleUser, memberKey, mockMembers, mockOrganization, type Member, useOrgMocks } from './org-fixture';

const install = useOrgMocks();
let mocks: ReturnType<typeof mockOrganization>;
let members: ReturnType<typeof mockMembers>;

function setup(accounts: Readonly<Record<string, Member>>, org: OrganizationInput = {}): OrgSteps & { store: MemoryOrgStore; log: MemoryLog } {
  ({ mocks, members } = install(accounts));
  return {
    config: buildConfig({ regions: ['us-east-1'] }),
    org: organizationSchema.parse(org),
    auditIds: ['iam-console-mfa', 'iam-root-mfa'],
    clients: new Clients({ maxAttempts: 1 }),
    memberClients: (_id, credentials) => new Clients({ maxAttempts: 1, credentials }),
    store: new MemoryOrgStore(),
    log: new MemoryLog(),
    dryRun: true,
  };
}

const PROD = { users: [consoleUser('222222222222', 'bob', false), consoleUser('222222222222', 'amy', true)] };
const PAYMENTS = { users: [consoleUser('333333333333', 'carol', true)] };

describe('org run: every account with its own role session, one report', () => {
  it('audits each member with its own credentials, findings and ARNs carrying the member account', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    const report = await runOrganization(steps, 'run-1');
    const bob = report.findings.find((f) => f.resourceId === 'bob');
    expect(bob).toMatchObject({ status: 'FAIL', account: '222222222222', resource: 'arn:aws:iam::222222222222:user/bob' });
    // Every member read was signed with that member's session; none with another's or the caller's.
    const reads = members.signedBy.filter((c) => c.op !== 'GetCallerIdentity' || c.key !== 'AKIDTESTONLY');
    expect(new Set(reads.map((c) => c.key))).toEqual(new Set([memberKey('222222222222'), memberKey('333333333333')]));
    expect(report.accounts).toEqual([
      { id: '222222222222', partition: 'aws', alias: 'prod', status: 'audited' },
      { id: '333333333333', partition: 'aws', alias: 'payments', status: 'audited' },
      { id: '444444444444', partition: 'aws', alias: 'old-sandbox', status: 'skipped', reason: 'account SUSPENDED' },
      { id: '555555555555', partition: 'aws', alias: 'closing', status: 'skipped', reason: 'account PENDING_CLOSURE' },
    ]);
    // Skipped accounts do not make the report incomplete; bob's missing MFA is a finding.
    expect(report.state).toBe('findings');
    expect(report.organization?.ous.map((o) => [o.path, o.accounts, o.counts.FAIL])).toEqual([
      ['Root', 4, 1],
      ['Root / Prod', 2, 1],
      ['Root / Prod / Payments', 1, 0],
      ['Root / Sandbox', 2, 0],
    ]);
    // PASS findings are counted per audit, not held.
    expect(report.findings.some((f) => f.status === 'PASS')).toBe(false);
    expect(report.audits.find((a) => a.id === 'iam-console-mfa')?.counts).toMatchObject({ FAIL: 1, PASS: 2 });
  });

  it('gives an account whose role cannot be assumed one ERROR per audit naming the role ARN and the code, and an incomplete report', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': { assume: 'AccessDenied' } });
    const report = await runOrganization(steps, 'run-2');
    const errors = report.findings.filter((f) => f.account === '333333333333');
    expect(errors.map((f) => [f.auditId, f.status, f.resource])).toEqual([
      ['iam-console-mfa', 'ERROR', 'arn:aws:iam::333333333333:role/OpsbotsAudit'],
      ['iam-root-mfa', 'ERROR', 'arn:aws:iam::333333333333:role/OpsbotsAudit'],
    ]);
    expect(errors[0]?.reason).toBe('not audited: could not assume arn:aws:iam::333333333333:role/OpsbotsAudit (AccessDenied)');
    expect(report.accounts?.find((a) => a.id === '333333333333')).toEqual({ id: '333333333333', partition: 'aws', alias: 'payments', status: 'error', reason: 'could not assume arn:aws:iam::333333333333:role/OpsbotsAudit: AccessDenied' });
    expect(report.notEvaluated).toContainEqual(expect.objectContaining({ source: 'sts.assumeRole', code: 'AccessDenied', account: '333333333333' }));
    expect(report.state).toBe('incomplete');
  });

  it('names an expected account without a stored result as not audited (ERROR per audit, incomplete)', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    const { runId, items } = await discoverStep(steps, { runId: 'run-3' });
    expect(items.map((i) => i.account.id)).toEqual(['222222222222', '333333333333']);
    await accountStep(steps, items[0]!); // the other account's step never finished (its Lambda timed out)
    const report = await aggregateStep(steps, { runId });
    expect(report.findings.filter((f) => f.account === '333333333333').map((f) => [f.auditId, f.status, f.resourceId])).toEqual([
      ['iam-console-mfa', 'ERROR', 'organization.account'],
      ['iam-root-mfa', 'ERROR', 'organization.account'],
    ]);
    expect(report.accounts?.find((a) => a.id === '333333333333')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^no result was stored for this account/) });
    expect(report.notEvaluated).toContainEqual(expect.objectContaining({ code: 'NoResult', account: '333333333333' }));
    expect(report.state).toBe('incomplete');
  });

  it('treats an account step that throws like the state machine\'s Catch: the run goes on, the account is named', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS });
    /** S3 refuses one account's result. */
    class FlakyStore extends MemoryOrgStore {
      override async putResult(r: AccountResult): Promise<void> {
        if (r.account.id === '222222222222') throw Object.assign(new Error('S3 down'), { name: 'ServiceUnavailable' });
        return super.putResult(r);
      }
    }
    const failing: OrgSteps = { ...steps, store: new FlakyStore() };
    const report = await runOrganization(failing, 'run-4');
    expect(report.accounts?.map((a) => [a.id, a.status])).toEqual([['222222222222', 'error'], ['333333333333', 'audited'], ['444444444444', 'skipped'], ['555555555555', 'skipped']]);
    expect(steps.log.text()).toContain('account step failed');
    // The step's error code reaches the report, as the state machine's Catch passes it on.
    expect(report.accounts?.find((a) => a.id === '222222222222')?.reason).toMatch(/^its account step failed \(ServiceUnavailable\)/);
  });

  it('renders one report: what was not audited first, then accounts and OUs, then findings grouped by account; every value escaped', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': { assume: 'AccessDenied' } });
    const report = await runOrganization(steps, 'run-5');
    const text = renderText(report);
    const at = (s: string) => text.indexOf(s);
    expect(at('INCOMPLETE')).toBeGreaterThan(0);
    expect(text).toContain('account 333333333333 (payments) not audited: could not assume arn:aws:iam::333333333333:role/OpsbotsAudit: AccessDenied');
    expect(text).toMatch(/444444444444  old-sandbox +\[Root \/ Sandbox\]  skipped: account SUSPENDED/);
    expect(text).toContain('Root / Prod / Payments (ou-ab12-paym0001): 1 account, 1 not audited');
    expect(at('INCOMPLETE')).toBeLessThan(at('ACCOUNTS'));
    expect(at('ACCOUNTS')).toBeLessThan(at('ORGANIZATIONAL UNITS'));
    expect(at('ORGANIZATIONAL UNITS')).toBeLessThan(at('ACCOUNT 222222222222 prod [Root / Prod]'));
    expect(at('ACCOUNT 222222222222 prod')).toBeLessThan(at('bob'));
    expect(subject(report)).toBe('[opsbots] [dry run] organization o-abc1234567 test: 1 FAIL, incomplete (1 account not audited)');
    const hostile = { ...report, organization: { ...report.organization!, accounts: report.organization!.accounts.map((a) => ({ ...a, name: '<img src=x onerror=alert(1)>' })) } };
    const html = renderHtml(hostile);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('with splitRegions, the CLI runs the same parts: a global part that fails is named with the IAM sources it holds, the regions stay audited', async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    try {
      const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { splitRegions: true });
      /** S3 refuses the global part of one account. */
      class FlakyStore extends MemoryOrgStore {
        override async putResult(r: AccountResult): Promise<void> {
          if (r.account.id === '222222222222' && r.part === 'global') throw new Error('S3 down');
          return super.putResult(r);
        }
      }
      const done: [string, boolean][] = [];
      const report = await runOrganization({ ...steps, auditIds: ['iam-console-mfa', 'ec2-required-tags'], store: new FlakyStore() }, 'run-6', { discovered: () => undefined, accountDone: (id, failed) => void done.push([id, failed]) });
      expect(done.sort()).toEqual([['222222222222', false], ['333333333333', false]]); // once per account, when its last part is done
      expect(report.accounts?.map((a) => [a.id, a.status])).toEqual([['222222222222', 'audited'], ['333333333333', 'audited'], ['444444444444', 'skipped'], ['555555555555', 'skipped']]);
      expect(report.findings.filter((f) => f.account === '222222222222').map((f) => [f.auditId, f.status, f.region, f.reason])).toEqual([
        ['iam-console-mfa', 'ERROR', 'global', 'not evaluated: global sources (iam.credentialReport, iam.users) of account 222222222222 not read: its step failed (UnknownError) and stored no result: see the account function\'s log'],
      ]);
      expect(report.audits.find((a) => a.id === 'ec2-required-tags')?.counts.PASS).toBe(2); // "no instances" in us-east-1, once per account
      expect(report.state).toBe('incomplete');
    } finally {
      ec2.restore();
    }
  });
});
