import { IAMClient } from '@aws-sdk/client-iam';
import { Clients } from '../shared/aws/clients';
import { securityGroupsCollector } from '../shared/collect/ec2-security-groups';
import { readCredentialReport } from '../shared/collect/credential-report';
import { collectInventory } from '../shared/collect/run';
import { readWithin } from '../shared/collect/deadline';
import { DEFAULT_DEADLINES, LAMBDA_MARGIN_MS, RunBudget, deadlinesSchema, duration } from '../shared/deadline';
import { deliverReport } from '../shared/deliver';
import { auditHandler, auditRuntime, type AuditResult } from '../shared/handler';
import { definition as openGroups } from '../functions/ec2-open-security-groups';
import { runAudits } from '../shared/run';
import { MemoryLog } from '../shared/logger';
import type { StateStore } from '../shared/state/store';
import { buildConfig } from './builders';
import { fakeAws, withEndpoint, type Answer, type Call } from './faults/fake-aws';
import { ok, throttled } from './faults/wire';

const deadlines = (over: Partial<typeof DEFAULT_DEADLINES>) => ({ ...DEFAULT_DEADLINES, ...over });
const budget = (over: Partial<typeof DEFAULT_DEADLINES>) => new RunBudget(deadlines(over));
const ctx = (clients: Clients, regions: string[]) => ({ clients, account: { id: '123456789012', partition: 'aws' }, regions, concurrency: 4, log: new MemoryLog(), now: new Date() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOTIFY = { from: 'bots@example.com', to: ['sec@example.com'] };

/** Runs `test` with every AWS service behind one loopback endpoint answering `answer`. */
async function withAws(answer: (call: Call) => Answer, test: (aws: Awaited<ReturnType<typeof fakeAws>>) => Promise<void>): Promise<void> {
  const aws = await fakeAws(answer);
  try {
    await withEndpoint(aws.url, () => test(aws));
  } finally {
    await aws.close();
  }
}

/** Milliseconds `fn` took. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const emptySgs = (call: Call): Answer =>
  call.action === 'DescribeSecurityGroups' ? ok(call, '<securityGroupInfo/>') : call.action === 'DescribeSecurityGroupRules' ? ok(call, '<securityGroupRuleSet/>') : throttled(call);

describe('deadlines end the request, not only the wait', () => {
  /**
   * The region deadline where one region hangs and the other must still be read in time: 500 ms, or three
   * times what reading a healthy region takes on this machine now if that is longer (a loaded CI runner).
   */
  let regionDeadlineMs = 500;
  beforeAll(() =>
    withAws(emptySgs, async () => {
      const read = async () => {
        const clients = new Clients({ maxAttempts: 1 });
        const took = await timed(() => securityGroupsCollector().collect(ctx(clients, ['us-east-1'])));
        clients.destroy();
        return took;
      };
      await read(); // the first read loads and compiles what every later one reuses
      regionDeadlineMs = Math.max(500, Math.ceil((3 * (await read())) / 100) * 100);
    }),
  );

  it('aborts the HTTP request of a region that never answers, and reads the others', () =>
    withAws(
      (call) => (call.region === 'eu-west-1' ? 'hang' : emptySgs(call)),
      async (aws) => {
        const clients = new Clients({ maxAttempts: 1 });
        const out = await securityGroupsCollector({ regionDeadlineMs }).collect(ctx(clients, ['eu-west-1', 'us-east-1']));
        expect(out['eu-west-1']).toMatchObject({ ok: false, error: { source: 'ec2.securityGroups', region: 'eu-west-1', code: 'Timeout', message: `ec2.securityGroups in eu-west-1 did not answer within ${duration(regionDeadlineMs)}` } });
        expect(out['us-east-1']).toEqual({ ok: true, value: { groups: [], prefixLists: {} } });
        await sleep(50);
        // Both hanging requests (groups and rules) were closed by the client, not left to run.
        expect(aws.aborted()).toBe(2);
        clients.destroy();
      },
    ));

  it('ends a throttling storm at the deadline: the SDK stops retrying', () =>
    withAws(throttled, async (aws) => {
      const clients = new Clients({ maxAttempts: 10 });
      const out = await securityGroupsCollector({ regionDeadlineMs: 300 }).collect(ctx(clients, ['us-east-1']));
      expect(out['us-east-1']).toMatchObject({ ok: false, error: { code: 'Timeout', message: 'ec2.securityGroups in us-east-1 did not answer within 300 ms' } });
      // Fewer calls than the SDK's 10 attempts, and none after the deadline: the retry loop itself stopped.
      // (Counted a moment after it: on a loaded machine a call sent before it can reach the server after.)
      await sleep(300);
      const atDeadline = aws.calls().length;
      expect(atDeadline).toBeLessThan(2 * 10);
      await sleep(1200);
      expect(aws.calls().length).toBe(atDeadline);
      clients.destroy();
    }));

  it('ends the credential report polling at the deadline: no further call, no pause left pending', () =>
    withAws(
      (call) => ok(call, '<State>STARTED</State>'),
      async (aws) => {
        const iam = new Clients({ maxAttempts: 1 }).get(IAMClient, 'iam', 'us-east-1');
        await expect(readWithin(undefined, 'iam.credentialReport', 'global', () => readCredentialReport(iam, { budgetMs: 60_000 }), 200)).rejects.toMatchObject({ code: 'Timeout', message: 'iam.credentialReport in global did not answer within 200 ms' });
        const atDeadline = aws.calls().length;
        await sleep(1100); // the next poll would have come 500 ms, then 1 s, after the last
        expect(aws.calls().length).toBe(atDeadline);
      },
    ));

  it('gives a global source a deadline too: a credential report that never comes is a Timeout for it alone', () =>
    withAws(
      (call) => (call.service === 'sts' ? ok(call, '<Arn>arn:aws:iam::123456789012:user/x</Arn><Account>123456789012</Account>') : call.action === 'GenerateCredentialReport' ? 'hang' : ok(call, '<ServerCertificateMetadataList/><IsTruncated>false</IsTruncated>')),
      async () => {
        const clients = new Clients({ maxAttempts: 1 });
        const run = budget({ sourceSeconds: 0.5, deliverySeconds: 0.1 });
        const inventory = await collectInventory({ clients, sources: ['iam.credentialReport', 'iam.serverCertificates'], regions: [], concurrency: 2, accountAlias: 'acme', log: new MemoryLog(), budget: run });
        run.dispose();
        expect(inventory.errors).toEqual([{ source: 'iam.credentialReport', region: 'global', code: 'Timeout', message: 'iam.credentialReport in global did not answer within 500 ms' }]);
        expect(inventory.sources['iam.serverCertificates']).toEqual({ ok: true, value: [] });
        clients.destroy();
      },
    ));

  it('sends the report within the run after sources time out: collection leaves delivery its share', () =>
    withAws(
      (call) => (call.service === 'ses' ? ok(call, { MessageId: 'm-1' }) : call.service === 'sts' ? ok(call, '<Account>123456789012</Account>') : 'hang'),
      async (aws) => {
        // Collection gets 3 s less 3 x 0.9 s (0.3 s, which the hanging sources spend); the healthy send has 0.9 s.
        const config = buildConfig({ notify: NOTIFY, account: { alias: 'acme' }, regions: ['us-east-1'], deadlines: { runSeconds: 3, sourceSeconds: 5, deliverySeconds: 0.9 } });
        const clients = new Clients({ maxAttempts: 1 });
        const run = new RunBudget(config.deadlines);
        let delivered: Awaited<ReturnType<typeof deliverReport>> | undefined;
        const took = await timed(async () => {
          const report = await runAudits({ config, auditIds: ['ec2-open-security-groups'], clients, log: new MemoryLog(), dryRun: false, budget: run });
          expect(report.state).toBe('incomplete');
          expect(report.notEvaluated.map((e) => [e.source, e.region, e.code])).toEqual([['ec2.securityGroups', 'us-east-1', 'Timeout'], ['ec2.networkInterfaces', 'us-east-1', 'Timeout']]);
          delivered = await deliverReport({ config, report, clients, dryRun: false, budget: run });
        });
        run.dispose();
        clients.destroy();
        expect(delivered?.delivery).toMatchObject({ sent: true, messageId: 'm-1' });
        expect(took).toBeLessThan(3000 + 150);
        expect(aws.calls().filter((c) => c.service === 'ses')).toHaveLength(1);
      },
    ));
});

describe('delivery deadlines', () => {
  it('gives up an SES send that never answers: NotifyError Timeout, the request aborted', () =>
    withAws(
      () => 'hang',
      async (aws) => {
        const config = buildConfig({ notify: NOTIFY, deadlines: { deliverySeconds: 0.2 } });
        const clients = new Clients({ maxAttempts: 1 });
        const report = await runAudits({ config, auditIds: ['iam-root-mfa'], clients, log: new MemoryLog(), dryRun: false, inventory: { account: { id: '123456789012', partition: 'aws' }, collectedAt: new Date().toISOString(), regions: [], sources: {}, errors: [] } });
        await expect(deliverReport({ config, report, clients, dryRun: false })).rejects.toMatchObject({ name: 'NotifyError', code: 'Timeout', message: expect.stringMatching(/^email not sent: Timeout: SES send in us-east-1 did not answer within 200 ms|^SES send in us-east-1 did not answer within 200 ms/) });
        await sleep(50);
        expect(aws.aborted()).toBe(1);
        clients.destroy();
      },
    ));

  it('reads the previous state within a deadline: a store that never answers is unreadable (Timeout), and the email still goes', () =>
    withAws(
      (call) => ok(call, { MessageId: 'm-2' }),
      async () => {
        const hanging: StateStore = { read: () => new Promise(() => undefined), write: async () => undefined };
        // The same deadline serves the healthy send after the hanging read: 1 s, so a loaded machine still makes it.
        const config = buildConfig({ notify: { ...NOTIFY, sendWhen: 'changes' }, deadlines: { deliverySeconds: 1 } });
        const clients = new Clients({ maxAttempts: 1 });
        const report = await runAudits({ config, auditIds: ['iam-root-mfa'], clients, log: new MemoryLog(), dryRun: false, inventory: { account: { id: '123456789012', partition: 'aws' }, collectedAt: new Date().toISOString(), regions: [], sources: {}, errors: [] } });
        const delivered = await deliverReport({ config, report, clients, dryRun: false, state: hanging });
        expect(delivered.changes?.unreadable).toEqual([expect.objectContaining({ auditId: 'iam-root-mfa', code: 'Timeout' })]);
        expect(delivered.delivery).toMatchObject({ sent: true, messageId: 'm-2' });
        clients.destroy();
      },
    ));
});

describe('the run budget', () => {
  it('fits the Lambda: the remaining time less a margin when shorter than runSeconds', () => {
    const b = new RunBudget(DEFAULT_DEADLINES, 93_000 + LAMBDA_MARGIN_MS);
    expect(b.remainingMs()).toBeGreaterThan(92_900);
    expect(b.remainingMs()).toBeLessThanOrEqual(93_000);
    // a source gets what collection has left once delivery's three steps (3 x 20 s) are set aside
    expect(b.sourceMs()).toBeGreaterThan(32_900);
    expect(b.sourceMs()).toBeLessThanOrEqual(33_000);
    expect(b.deliveryMs()).toBe(20_000);
    b.dispose();
    const cli = new RunBudget(DEFAULT_DEADLINES);
    expect(cli.remainingMs()).toBeGreaterThan(279_900);
    expect(cli.sourceMs()).toBe(120_000);
    cli.dispose();
  });

  it('ends a Lambda run before the function times out, with every unread source an ERROR Timeout', () =>
    withAws(
      () => 'hang',
      async () => {
        const config = buildConfig({ account: { alias: 'acme' }, regions: ['us-east-1'], deadlines: { deliverySeconds: 0.1 } });
        const log = new MemoryLog();
        const clients = new Clients({ maxAttempts: 1 });
        const handler = auditHandler(openGroups, () => auditRuntime({}, openGroups.audits, { config, clients, log }));
        let result: AuditResult | undefined;
        // The margin plus 400 ms left in the function: the run gets 400 ms, and must end before the function would.
        const took = await timed(async () => {
          result = (await handler({}, { getRemainingTimeInMillis: () => LAMBDA_MARGIN_MS + 400 })) as AuditResult;
        });
        clients.destroy();
        expect(took).toBeLessThan(LAMBDA_MARGIN_MS + 400);
        expect(result).toMatchObject({ state: 'incomplete', notEvaluated: 3 }); // identity, groups, interfaces
        expect(JSON.stringify(log.lines)).toContain('ec2.securityGroups in us-east-1 did not answer within');
      },
    ));
});

describe('settings: deadlines', () => {
  it('has defaults that fit the audit functions\' 300 s timeout', () => {
    expect(buildConfig({}).deadlines).toEqual({ runSeconds: 280, sourceSeconds: 120, requestSeconds: 20, deliverySeconds: 20 });
  });

  it('rejects unknown keys and non-positive values by name', () => {
    expect(() => buildConfig({ deadlines: { sourceSecond: 3 } as never })).toThrow(/deadlines.*sourceSecond/);
    expect(deadlinesSchema.safeParse({ runSeconds: 0 }).success).toBe(false);
  });
});
