import { mockClient } from 'aws-sdk-client-mock';
import { BatchImportFindingsCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { BATCH_IMPORT_MAX, importToSecurityHub, planImport } from '../../shared/securityhub/import';
import { deliverSinks } from '../../shared/sinks';
import { asffFinding } from '../../reports/asff';
import { buildConfig } from '../builders';
import { f, report, sg, sourceErrorFinding, TWO_AUDITS } from '../reports/fixtures';
import type { Finding } from '../../shared/model';

const hub = mockClient(SecurityHubClient);
const REGION = 'eu-west-1';
const NOW = new Date('2026-11-21T08:00:00.000Z');

const users = (n: number, over: Partial<Finding> = {}) => Array.from({ length: n }, (_, i) => f({ resourceId: `user${i}`, resource: `arn:aws:iam::123456789012:user/user${i}`, ...over }));
const imported = () => hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings ?? []);
const run = (findings: Finding[], extra: Partial<Parameters<typeof importToSecurityHub>[0]> = {}) =>
  importToSecurityHub({ report: report(findings, {}, TWO_AUDITS), clients: new Clients({ maxAttempts: 1 }), region: REGION, dryRun: false, now: NOW, ...extra });
const accepted = () => hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));

beforeEach(() => {
  hub.reset();
  hub.on(GetFindingsCommand).resolves({ Findings: [] });
});

describe('security hub sink: BatchImportFindings', () => {
  it('imports at most 100 findings per call, every problem once', async () => {
    accepted();
    const d = await run(users(250));
    const calls = imported();
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(new Set(calls.flat().map((x) => x.Id)).size).toBe(250);
    expect(d).toMatchObject({ sent: true, imported: 250, calls: 3, failed: [] });
    expect(BATCH_IMPORT_MAX).toBe(100);
  });

  it('never exceeds 100 per call even when asked for bigger batches', async () => {
    accepted();
    await run(users(101), { batchSize: 500 });
    expect(imported().map((c) => c.length)).toEqual([100, 1]);
  });

  it('sends the same Ids on a later run, so Security Hub updates the findings', async () => {
    accepted();
    await run(users(3));
    await run(users(3), { now: new Date('2026-11-22T08:00:00.000Z') });
    const [first, second] = imported();
    expect(second?.map((x) => x.Id)).toEqual(first?.map((x) => x.Id));
    expect(second?.[0]?.UpdatedAt).toBe('2026-11-22T08:00:00.000Z');
  });

  it('sends problems and suppressed findings, not PASS findings Security Hub never held', async () => {
    accepted();
    await run([f({ resourceId: 'bob' }), f({ resourceId: 'alice', status: 'PASS' }), f({ resourceId: 'carol', suppressed: { by: 'x:*:*' } })]);
    expect(imported().flat().map((x) => [x.Title, x.Workflow?.Status, x.RecordState])).toEqual([
      ['Console users without MFA: bob', 'NEW', 'ACTIVE'],
      ['Console users without MFA: carol', 'SUPPRESSED', 'ACTIVE'],
    ]);
  });

  it('reads the findings it imported earlier for this stage and these audits only', async () => {
    accepted();
    await run(users(1));
    const filters = hub.commandCalls(GetFindingsCommand)[0]?.args[0].input.Filters;
    expect(filters).toEqual({
      ProductArn: [{ Value: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default', Comparison: 'EQUALS' }],
      AwsAccountId: [{ Value: '123456789012', Comparison: 'EQUALS' }],
      GeneratorId: [{ Value: 'opsbots/prod/iam-console-mfa', Comparison: 'EQUALS' }, { Value: 'opsbots/prod/ec2-open-security-groups', Comparison: 'EQUALS' }],
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
    });
  });

  it('archives what was resolved: a PASS now (sent PASSED) and a resource gone (sent back as it was)', async () => {
    accepted();
    const r = report([], {}, TWO_AUDITS);
    const before = (x: Finding): AwsSecurityFinding => asffFinding(r, x, { region: REGION, updatedAt: '2026-11-20T08:00:00.000Z' });
    hub.on(GetFindingsCommand).resolves({ Findings: [before(f({ resourceId: 'bob' })), before(f({ resourceId: 'gone', resource: 'arn:aws:iam::123456789012:user/gone' })), before(f({ resourceId: 'still' }))] });
    const d = await run([f({ resourceId: 'bob', status: 'PASS' }), f({ resourceId: 'still' })]);
    const sent = imported().flat();
    expect(sent.map((x) => [x.Title, x.RecordState, x.Compliance?.Status, x.UpdatedAt])).toEqual([
      ['Console users without MFA: still', 'ACTIVE', 'FAILED', NOW.toISOString()],
      ['Console users without MFA: bob', 'ARCHIVED', 'PASSED', NOW.toISOString()],
      ['Console users without MFA: gone', 'ARCHIVED', 'FAILED', NOW.toISOString()],
    ]);
    expect(d).toMatchObject({ archived: 2 });
  });

  it('never archives a finding of an audit this run did not run', () => {
    const r = report([], {}, TWO_AUDITS.slice(0, 1));
    const other = asffFinding(report([], {}, TWO_AUDITS), sg('sg-1'), { region: REGION });
    expect(planImport(r, [other], REGION, NOW.toISOString()).findings).toEqual([]);
  });

  it('asks for at most 20 generator ids per GetFindings filter', async () => {
    accepted();
    const audits = Array.from({ length: 45 }, (_, i) => ({ id: `audit-${i}`, title: `Audit ${i}`, severity: 'high' as const }));
    await importToSecurityHub({ report: report([], {}, audits), clients: new Clients({ maxAttempts: 1 }), region: REGION, dryRun: false, now: NOW });
    expect(hub.commandCalls(GetFindingsCommand).map((c) => c.args[0].input.Filters?.GeneratorId?.length)).toEqual([20, 20, 5]);
  });

  it('leaves alone an earlier finding whose region was not evaluated this time (not seen is not resolved)', () => {
    const r = report([sourceErrorFinding('ec2-open-security-groups', 'ec2.securityGroups', 'us-east-1')], { regions: ['eu-west-1', 'us-east-1'] }, TWO_AUDITS);
    const prev = (id: string, region: string) => asffFinding(r, sg(id, { region }), { region: REGION });
    const plan = planImport(r, [prev('sg-errored', 'us-east-1'), prev('sg-outside', 'ap-south-1'), prev('sg-fixed', 'eu-west-1')], REGION, NOW.toISOString());
    expect(plan.findings.filter((x) => x.RecordState === 'ARCHIVED').map((x) => x.Resources?.[0]?.Id)).toEqual(['arn:aws:ec2:eu-west-1:123456789012:security-group/sg-fixed']);
  });

  it('an organization.splitRegions part archives only in the region it owns: a region part leaves the global findings to the global part', () => {
    const r = report([], { regions: ['eu-west-1'] }, TWO_AUDITS);
    const prev = [asffFinding(r, f({ resourceId: 'bob' }), { region: REGION }), asffFinding(r, sg('sg-fixed', { region: 'eu-west-1' }), { region: REGION })];
    const archived = (owned?: string[]) => planImport(r, prev, REGION, NOW.toISOString(), owned).findings.map((x) => x.Resources?.[0]?.Id);
    expect(archived()).toEqual(['arn:aws:iam::123456789012:user/bob', 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-fixed']);
    expect(archived(['eu-west-1'])).toEqual(['arn:aws:ec2:eu-west-1:123456789012:security-group/sg-fixed']);
    expect(archived(['global'])).toEqual(['arn:aws:iam::123456789012:user/bob']);
  });

  it('counts FailedFindings and failed calls as failures, and still sends the other batches', async () => {
    hub.on(BatchImportFindingsCommand)
      .resolvesOnce({ SuccessCount: 1, FailedCount: 1, FailedFindings: [{ Id: 'opsbots/x', ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' }] })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });
    const d = await run(users(6), { batchSize: 2 });
    expect(imported()).toHaveLength(3);
    expect(d).toMatchObject({ sent: true, imported: 3 });
    expect(d.sent && d.failed).toEqual([
      { id: 'opsbots/x', code: 'InvalidInput', message: 'Finding does not adhere to ASFF' },
      { id: 'batch 2', code: 'ThrottlingException', message: '2 findings not imported: Rate exceeded' },
    ]);
  });

  it('says so when the earlier findings cannot be read (resolved ones stay active), and imports the current ones', async () => {
    accepted();
    hub.on(GetFindingsCommand).rejects(Object.assign(new Error('not subscribed'), { name: 'InvalidAccessException' }));
    const d = await run(users(2));
    expect(imported().flat()).toHaveLength(2);
    expect(d.sent && d.failed).toEqual([{ id: 'GetFindings', code: 'InvalidAccessException', message: expect.stringContaining('resolved ones not archived') }]);
  });

  it('ends at its deadline when BatchImportFindings never answers: the request aborted, one Timeout failure, no further batch', async () => {
    hub.on(BatchImportFindingsCommand).resolvesOnce({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] }).callsFake(() => new Promise(() => undefined));
    const d = await run(users(6), { batchSize: 2, deadlineMs: 50 });
    const calls = hub.commandCalls(BatchImportFindingsCommand);
    expect(calls).toHaveLength(2);
    expect(((calls[1]?.args as unknown[] | undefined)?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal?.aborted).toBe(true);
    expect(d).toMatchObject({ sent: true, imported: 2, calls: 2 });
    expect(d.sent && d.failed).toEqual([{ id: 'deadline', code: 'Timeout', message: 'import cut short after 2 findings imported: Security Hub did not answer within 50 ms' }]);
  });

  it('ends at its deadline when the earlier findings never come: nothing imported, a Timeout failure', async () => {
    hub.on(GetFindingsCommand).callsFake(() => new Promise(() => undefined));
    accepted();
    const d = await run(users(2), { deadlineMs: 50 });
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(d.sent && d.failed.map((x) => [x.id, x.code])).toEqual([['deadline', 'Timeout']]);
  });

  it('a dry run reads and sends nothing, and says how many it would import', async () => {
    const d = await run(users(5), { dryRun: true });
    expect(hub.calls()).toHaveLength(0);
    expect(d).toEqual({ sent: false, reason: 'dry run: nothing sent', wouldImport: 5 });
  });
});

describe('security hub sink in the delivery', () => {
  const config = (securityHub: object) => buildConfig({ securityHub });

  it('is off by default: no Security Hub call', async () => {
    const s = await deliverSinks({ config: buildConfig({}), report: report(users(2)), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect(s).toEqual({ webhooks: [], failures: [] });
    expect(hub.calls()).toHaveLength(0);
  });

  it('gives the import one deliverySeconds: a Security Hub that never answers is a named delivery failure, not a hang', async () => {
    hub.on(BatchImportFindingsCommand).callsFake(() => new Promise(() => undefined));
    const s = await deliverSinks({ config: buildConfig({ securityHub: { enabled: true }, deadlines: { deliverySeconds: 0.05 } }), report: report(users(2)), clients: new Clients({ maxAttempts: 1 }), dryRun: false });
    expect(s.failures).toEqual(['securityHub: deadline: Timeout: import cut short after 0 findings imported: Security Hub did not answer within 50 ms']);
  });

  it('imports into the configured region and turns FailedFindings into a named delivery failure', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 1, FailedFindings: [{ Id: 'opsbots/y', ErrorCode: 'AccessDeniedException', ErrorMessage: 'denied' }] });
    const log = new MemoryLog();
    const s = await deliverSinks({ config: config({ enabled: true, region: 'eu-central-1' }), report: report(users(2)), clients: new Clients({ maxAttempts: 1 }), dryRun: false, log });
    expect(s.securityHub).toMatchObject({ sent: true, region: 'eu-central-1' });
    expect(imported().flat()[0]?.ProductArn).toBe('arn:aws:securityhub:eu-central-1:123456789012:product/123456789012/default');
    expect(s.failures).toEqual(['securityHub: opsbots/y: AccessDeniedException: denied']);
  });
});
