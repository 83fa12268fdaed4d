import { mockClient } from 'aws-sdk-client-mock';
import { BatchImportFindingsCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { organizationSchema } from '../../shared/org/config';
import { MemoryOrgStore } from '../../shared/org/store';
import { runOrganization, type OrgSteps } from '../../shared/org/steps';
import { deliverSinks } from '../../shared/sinks';
import { deliverRun } from '../../cli/run';
import { EXIT, sinkLines } from '../../cli/output';
import { asffFinding, productArn } from '../../reports/asff';
import { finding } from '../../shared/model';
import type { Report } from '../../shared/report';
import { buildConfig } from '../builders';
import { consoleUser, memberKey, useOrgMocks, type Member } from '../org/org-fixture';

const install = useOrgMocks();
const CALLER = '111111111111';
const REGION = 'eu-west-1';

/** What each account's Security Hub does: accept, refuse (AccessDenied) or is not enabled there. */
type Hub = 'ok' | 'AccessDeniedException' | 'InvalidAccessException';

/**
 * Security Hub per account, told apart by the key that signed the call (the fixture's member sessions), and
 * with the service's own rule for the default product: only findings of the calling account, into its own
 * product. `previous` is what each account's hub holds ACTIVE from earlier runs.
 */
function mockHubs(hubs: Readonly<Record<string, Hub>>, previous: Readonly<Record<string, AwsSecurityFinding[]>> = {}) {
  const hub = mockClient(SecurityHubClient);
  const imports: { signer: string; findings: AwsSecurityFinding[] }[] = [];
  const reads: { signer: string; filters: unknown }[] = [];
  const signer = async (getClient: () => { config: { credentials: () => Promise<{ accessKeyId: string }> } }) => {
    const { accessKeyId } = await getClient().config.credentials();
    return accessKeyId.startsWith('ASIA') ? accessKeyId.slice(4) : CALLER;
  };
  const refuse = (account: string) => {
    const state = hubs[account] ?? 'ok';
    if (state === 'AccessDeniedException') throw Object.assign(new Error(`User: arn:aws:sts::${account}:assumed-role/OpsbotsAudit/s is not authorized to perform: securityhub:BatchImportFindings`), { name: state });
    if (state === 'InvalidAccessException') throw Object.assign(new Error(`Account ${account} is not subscribed to AWS Security Hub`), { name: state });
  };
  hub.on(GetFindingsCommand).callsFake(async (input: { Filters: unknown }, getClient: any) => {
    const account = await signer(getClient);
    reads.push({ signer: account, filters: input.Filters });
    refuse(account);
    return { Findings: previous[account] ?? [] };
  });
  hub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: AwsSecurityFinding[] }, getClient: any) => {
    const account = await signer(getClient);
    imports.push({ signer: account, findings: input.Findings });
    refuse(account);
    if (input.Findings.some((f) => f.AwsAccountId !== account || f.ProductArn !== productArn('aws', REGION, account))) {
      throw Object.assign(new Error(`not authorized to perform: securityhub:BatchImportFindings on resource: ${input.Findings[0]?.ProductArn}`), { name: 'AccessDeniedException' });
    }
    return { SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] };
  });
  return { hub, imports, reads };
}

const PROD = { users: [consoleUser('222222222222', 'bob', false), consoleUser('222222222222', 'amy', true)] };
const PAYMENTS = { users: [consoleUser('333333333333', 'carol', false)] };
const MANAGEMENT = { users: [consoleUser(CALLER, 'root-ops', false)] };

let hubs: ReturnType<typeof mockHubs> | undefined;
afterEach(() => {
  hubs?.hub.restore();
  hubs = undefined;
});

const CONFIG = buildConfig({ region: 'us-east-1', regions: ['us-east-1'], securityHub: { enabled: true, region: REGION } });

function setup(members: Readonly<Record<string, Member>>, hubStates: Readonly<Record<string, Hub>>, opts: { dryRun?: boolean; previous?: Record<string, AwsSecurityFinding[]> } = {}): OrgSteps {
  install(members);
  hubs = mockHubs(hubStates, opts.previous);
  return {
    config: CONFIG,
    org: organizationSchema.parse({ includeManagementAccount: true }),
    auditIds: ['iam-console-mfa'],
    clients: new Clients({ maxAttempts: 1 }),
    memberClients: (_id, credentials) => new Clients({ maxAttempts: 1, credentials }),
    store: new MemoryOrgStore(),
    log: new MemoryLog(),
    dryRun: opts.dryRun ?? false,
  };
}

const titles = (findings: readonly AwsSecurityFinding[]) => findings.map((f) => `${f.Title} ${f.RecordState}`).sort();

describe('security hub in an organization run: each member imports its own findings', () => {
  it("imports each member's findings in that member with its own session, only its findings, into its own product; the caller imports nothing", async () => {
    const steps = setup({ [CALLER]: MANAGEMENT, '222222222222': PROD, '333333333333': PAYMENTS }, {});
    const report = await runOrganization(steps, 'run-1');
    const sinks = await deliverSinks({ config: steps.config, report, clients: steps.clients, dryRun: false });

    const by = (account: string) => hubs!.imports.filter((i) => i.signer === account).flatMap((i) => i.findings);
    expect(new Set(hubs!.imports.map((i) => i.signer))).toEqual(new Set([CALLER, '222222222222', '333333333333']));
    for (const account of [CALLER, '222222222222', '333333333333']) {
      expect(by(account).every((f) => f.AwsAccountId === account && f.ProductArn === `arn:aws:securityhub:${REGION}:${account}:product/${account}/default`)).toBe(true);
    }
    expect(titles(by('222222222222'))).toEqual(['Console users without MFA: bob ACTIVE']);
    expect(titles(by('333333333333'))).toEqual(['Console users without MFA: carol ACTIVE']);
    // The management account is audited (and imported) through its own member role, like any member.
    expect(titles(by(CALLER))).toEqual(['Console users without MFA: root-ops ACTIVE']);
    // The earlier findings are read in each account's own hub, for that account only.
    expect(hubs!.reads.map((r) => [r.signer, (r.filters as { AwsAccountId: { Value: string }[] }).AwsAccountId[0]?.Value]).sort()).toEqual([
      [CALLER, CALLER],
      ['222222222222', '222222222222'],
      ['333333333333', '333333333333'],
    ]);
    expect(sinks.failures).toEqual([]);
    expect(sinks.securityHub).toEqual({ sent: true, region: REGION, imported: 3, archived: 0, calls: 3, failed: [], accounts: 3 });
    expect(sinkLines(sinks)).toEqual([`security hub (${REGION}): 3 imported (0 archived as resolved) in 3 calls in 3 member accounts, each in its own Security Hub`]);
  });

  it('a member whose import is denied is named with its account and code, the others are still imported, and the CLI exits 4', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { '333333333333': 'AccessDeniedException' });
    const report = await runOrganization(steps, 'run-1');
    const sinks = await deliverSinks({ config: steps.config, report, clients: steps.clients, dryRun: false });
    expect(hubs!.imports.filter((i) => i.signer === '222222222222').flatMap((i) => i.findings).map((f) => f.Title)).toEqual(['Console users without MFA: bob']);
    expect(sinks.failures).toEqual([
      expect.stringMatching(/^securityHub: account 333333333333 \(payments\): GetFindings: AccessDeniedException: previous findings not read/),
      expect.stringMatching(/^securityHub: account 333333333333 \(payments\): batch 1: AccessDeniedException: 1 findings not imported/),
    ]);
    expect(sinks.securityHub).toMatchObject({ sent: true, imported: 1, accounts: 2 });
    // The JSON report says which account's import failed, next to its audit.
    expect(report.organization?.accounts.find((a) => a.id === '333333333333')?.securityHub).toMatchObject({ sent: true, imported: 0, failed: [{ id: 'GetFindings' }, { id: 'batch 1' }] });
    const cli = await deliverRun({ config: CONFIG, run: report, clients: steps.clients, dryRun: false, log: steps.log });
    expect(cli.exitCode).toBe(EXIT.notDelivered);
  });

  it('a member without Security Hub enabled is named as such (InvalidAccessException), not passed over', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, { '222222222222': 'InvalidAccessException' });
    const report = await runOrganization(steps, 'run-1');
    const sinks = await deliverSinks({ config: steps.config, report, clients: steps.clients, dryRun: false });
    expect(sinks.failures.join('\n')).toMatch(/account 222222222222 \(prod\): batch 1: InvalidAccessException: 1 findings not imported: Account 222222222222 is not subscribed to AWS Security Hub/);
    expect(sinks.failures.some((f) => f.includes('333333333333'))).toBe(false);
  });

  it("archives what was resolved in each member by reading that member's hub: not another account's", async () => {
    const old = (account: string, user: string): AwsSecurityFinding => {
      const r = { stage: 'test', account: { id: account, partition: 'aws' }, startedAt: '2026-11-01T00:00:00.000Z', finishedAt: '2026-11-01T00:00:00.000Z', audits: [{ id: 'iam-console-mfa', title: 'Console users without MFA' }] } as unknown as Report;
      return asffFinding(r, finding({ auditId: 'iam-console-mfa', status: 'FAIL', severity: 'high', resource: `arn:aws:iam::${account}:user/${user}`, resourceId: user, resourceType: 'AWS::IAM::User', region: 'global', account, reason: 'no MFA', evidence: {} }), { region: REGION });
    };
    // amy has MFA now (resolved in prod); payments still holds carol, who still has none.
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, {}, { previous: { '222222222222': [old('222222222222', 'amy')], '333333333333': [old('333333333333', 'carol')] } });
    const report = await runOrganization(steps, 'run-1');
    const sinks = await deliverSinks({ config: steps.config, report, clients: steps.clients, dryRun: false });
    const sent = (account: string) => titles(hubs!.imports.filter((i) => i.signer === account).flatMap((i) => i.findings));
    expect(sent('222222222222')).toEqual(['Console users without MFA: amy ARCHIVED', 'Console users without MFA: bob ACTIVE']);
    expect(sent('333333333333')).toEqual(['Console users without MFA: carol ACTIVE']);
    expect(sinks.securityHub).toMatchObject({ sent: true, archived: 1, failed: [] });
  });

  it('a dry run reads and sends nothing to any Security Hub, and says what it would import', async () => {
    const steps = setup({ '222222222222': PROD, '333333333333': PAYMENTS }, {}, { dryRun: true });
    const report = await runOrganization(steps, 'run-1');
    const sinks = await deliverSinks({ config: steps.config, report, clients: steps.clients, dryRun: true });
    expect(hubs!.hub.calls()).toHaveLength(0);
    expect(sinks).toMatchObject({ securityHub: { sent: false, reason: 'dry run: nothing sent', wouldImport: 2 }, failures: [] });
  });

  it('an audited account whose result records no import fails closed, named', async () => {
    const steps = setup({ '222222222222': PROD }, {});
    const report = await runOrganization(steps, 'run-1');
    const stripped: Report = { ...report, organization: { ...report.organization!, accounts: report.organization!.accounts.map(({ securityHub: _s, ...a }) => a) } };
    const sinks = await deliverSinks({ config: steps.config, report: stripped, clients: steps.clients, dryRun: false });
    expect(sinks.failures).toEqual(['securityHub: account 222222222222 (prod): NotImported: its account step recorded no Security Hub import']);
  });
});
