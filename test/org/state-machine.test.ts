import { StateMachine } from 'aws-local-stepfunctions';
import aslValidator from 'asl-validator';
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Clients } from '../../shared/aws/clients';
import { LAMBDA_MARGIN_MS } from '../../shared/deadline';
import { MemoryLog } from '../../shared/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { orgHandlers, orgRuntime, type AggregateOutput, type OrgRuntime } from '../../shared/org/handlers';
import { memoryS3 } from '../state/memory-s3';
import { MemoryOrgStore, OrgStoreError } from '../../shared/org/store';
import { partKey } from '../../shared/org/parts';
import { mapPayloadBytes } from '../../shared/org/steps';
import type { AccountResult } from '../../shared/org/types';
import { orgDefinition, STATES } from '../../shared/deploy/state-machine';
import { DISCOVERY_ACTIONS } from '../../shared/org/discover';
import { consoleUser, useOrgMocks, type Member } from './org-fixture';

/** Deployed as two audits in every member; the sandbox OU holds the suspended and closing accounts. */
const STAGE = { regions: ['us-east-1'], audits: { 'iam-console-mfa': {}, 'iam-root-mfa': {} }, organization: { id: 'o-abc1234567' } };
const env = { OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify(STAGE), OPSBOTS_STATE_BUCKET: 'opsbots-prod-state' };
const install = useOrgMocks();
const fn = (key: string) => `arn:aws:lambda:us-east-1:123456789012:function:opsbots-prod-${key}`;
/** What CloudFormation makes of the template's placeholders. */
const ARNS = { discover: fn('orgDiscover'), account: fn('orgAccount'), aggregate: fn('orgAggregate') };

/** A results store whose write fails for some accounts (or parts: `id/region`): their account Lambda throws. */
class FailingStore extends MemoryOrgStore {
  constructor(private readonly failFor: readonly string[]) {
    super();
  }
  override async putResult(r: AccountResult): Promise<void> {
    if (this.failFor.includes(partKey(r.account.id, r.part))) throw new OrgStoreError(`s3 put of ${partKey(r.account.id, r.part)} failed`, 'InternalError');
    return super.putResult(r);
  }
}

interface Run {
  readonly output: { runId: string; state: string; accounts: { audited: number; skipped: number; notAudited: number }; counts: Record<string, number> };
  readonly log: MemoryLog;
  readonly store: MemoryOrgStore;
  /** Most account steps running at once. */
  readonly peak: number;
  /** IAM actions of the Organizations calls made (by discover). */
  readonly orgActions: string[];
}

/**
 * Runs the generated definition with aws-local-stepfunctions; each Task calls the REAL handler in-process
 * (warm-up check, cold-start config, closed events, steps) over mocked Organizations/STS/IAM and an
 * in-memory results store. The distributed Map runs as an inline Map with its MaxConcurrency and Catch.
 */
async function execute(members: Readonly<Record<string, Member>>, opts: { failFor?: string[]; accountConcurrency?: number; stage?: Record<string, unknown>; remainingMs?: number; tweak?: (m: ReturnType<typeof install>) => void; splitRegions?: boolean; mapPayloadLimit?: number } = {}): Promise<Run & { mocks: ReturnType<typeof install>['mocks'] }> {
  const installed = install(members);
  opts.tweak?.(installed);
  const { mocks } = installed;
  const log = new MemoryLog();
  const store = new FailingStore(opts.failFor ?? []);
  const stageEnv = { ...env, OPSBOTS_CONFIG: JSON.stringify({ ...STAGE, ...opts.stage }) };
  const rt: OrgRuntime = orgRuntime(stageEnv, { clients: new Clients({ maxAttempts: 1 }), log, store, memberClients: (_id, credentials) => new Clients({ maxAttempts: 1, credentials }), ...(opts.mapPayloadLimit ? { mapPayloadLimit: opts.mapPayloadLimit } : {}) });
  const h = orgHandlers(() => rt);
  let inFlight = 0;
  let peak = 0;
  const machine = new StateMachine(orgDefinition({ arns: ARNS, accountConcurrency: opts.accountConcurrency ?? 10, splitRegions: opts.splitRegions ?? false }) as never);
  const run = machine.run({ source: 'opsbots.schedule' }, {
    overrides: {
      taskResourceLocalHandlers: {
        [STATES.discover]: (input) => h.discover(input) as never,
        [STATES.account]: async (input) => {
          peak = Math.max(peak, ++inFlight);
          try {
            await new Promise((r) => setTimeout(r, 5)); // lets the Map start the next item while this one runs
            return (await h.account(input, { getRemainingTimeInMillis: () => opts.remainingMs ?? 600_000 })) as never;
          } finally {
            inFlight--;
          }
        },
        [STATES.aggregate]: (input) => h.aggregate(input) as never,
      },
      retryIntervalOverrides: { [STATES.discover]: 0, [STATES.account]: 0, [STATES.aggregate]: 0 },
    },
  });
  const output = (await run.result) as unknown as Run['output'];
  const orgActions = [...new Set(mocks.org.calls().map((c) => `organizations:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`))].sort();
  return { output, log, store, peak, orgActions, mocks };
}

const notAuditedLine = (log: MemoryLog) => (log.lines.find((l) => l.message === 'org report')?.data[0] as { notAudited: { id: string; reason: string }[] }).notAudited;

describe('organization state machine (generated ASL, run with aws-local-stepfunctions over the real handlers)', () => {
  it('is valid Amazon States Language: distributed Map, inline items, concurrency from the stage, every failure tolerated', () => {
    const definition = orgDefinition({ arns: ARNS, accountConcurrency: 7 });
    const { isValid, errorsText } = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });
    expect({ isValid, errors: errorsText('\n') }).toEqual({ isValid: true, errors: '' });
    const map = (definition.States as Record<string, any>)[STATES.accounts];
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 7, ToleratedFailurePercentage: 100, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } });
    expect(map.ItemProcessor.States[STATES.account].Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: STATES.accountFailed })]);
    expect(map.ItemReader).toBeUndefined();
  });

  it('audits every ACTIVE account in scope, skips the suspended and closing ones without making the report incomplete, at most accountConcurrency at once', async () => {
    const run = await execute({ '222222222222': { users: [consoleUser('222222222222', 'bob', true)] }, '333333333333': { users: [] } }, { accountConcurrency: 1 });
    expect(run.output).toMatchObject({ state: 'clean', accounts: { audited: 2, skipped: 2, notAudited: 0 } });
    expect([...run.store.objects.keys()].sort()).toEqual([`${run.output.runId}/accounts/222222222222.json`, `${run.output.runId}/accounts/333333333333.json`, `${run.output.runId}/discovery.json`]);
    expect(run.peak).toBe(1);
    // The discover role grants DISCOVERY_ACTIONS (test/deploy/organization.test.ts): the code calls nothing else.
    expect(DISCOVERY_ACTIONS).toEqual(expect.arrayContaining(run.orgActions));
    expect(run.orgActions).toEqual(expect.arrayContaining(['organizations:ListAccounts', 'organizations:ListParents']));
  });

  it('sendWhen: changes: the aggregate sends each owner their part, keeps each account\'s state in the bucket, and stays quiet (report and owner mail) when no account changed', async () => {
    const s3 = mockClient(S3Client);
    const ses = mockClient(SESv2Client);
    try {
      const objects = memoryS3(s3);
      ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
      const stage = { notify: { from: 'bots@example.com', to: ['sec@example.com'], sendWhen: 'changes', accountOwnerTag: 'owner' } };
      const members = { '222222222222': { users: [consoleUser('222222222222', 'bob', false)] }, '333333333333': { users: [] } };
      const first = await execute(members, { stage });
      // The fixture tags only 222222222222 with an owner.
      expect((first.output as unknown as AggregateOutput).owners).toEqual([{ account: '222222222222', sent: true }]);
      // Every audited account keeps its state, owner or not: the organization report is judged on them too.
      expect([...objects.keys()].filter((k) => k.includes('org-state/')).sort()).toEqual(['222222222222', '333333333333'].flatMap((id) => [`opsbots-prod-state/org-state/${id}/iam-console-mfa.json`, `opsbots-prod-state/org-state/${id}/iam-root-mfa.json`]));
      const second = await execute(members, { stage });
      expect((second.output as unknown as AggregateOutput).owners).toEqual([{ account: '222222222222', sent: false, reason: 'sendWhen=changes and nothing changed since the last run' }]);
      expect((second.output as unknown as AggregateOutput).delivery).toEqual({ sent: false, reason: 'sendWhen=changes and nothing changed since the last run' });
      expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([['sec@example.com'], ['a@example.com']]);
    } finally {
      s3.restore();
      ses.restore();
    }
  });

  it('runs accounts in parallel up to accountConcurrency', async () => {
    const run = await execute({ '222222222222': { users: [] }, '333333333333': { users: [] } }, { accountConcurrency: 2 });
    expect(run.peak).toBe(2);
  });

  it('an account whose role cannot be assumed is ERROR for every audit, named with the role and code; the report is incomplete', async () => {
    const run = await execute({ '222222222222': { users: [consoleUser('222222222222', 'bob', false)] }, '333333333333': { assume: 'AccessDenied' } });
    expect(run.output).toMatchObject({ state: 'incomplete', accounts: { audited: 1, skipped: 2, notAudited: 1 } });
    expect(run.output.counts.ERROR).toBe(2); // one per audit of the run
    expect(notAuditedLine(run.log)).toEqual([{ id: '333333333333', reason: expect.stringMatching(/could not assume arn:aws:iam::333333333333:role\/OpsbotsAudit: AccessDenied/) }]);
  });

  it('an account Lambda that throws is caught for its item only: the aggregate still runs and names the account and the error', async () => {
    const run = await execute({ '222222222222': { users: [] }, '333333333333': { users: [consoleUser('333333333333', 'eve', false)] } }, { failFor: ['222222222222'] });
    expect(run.output).toMatchObject({ state: 'incomplete', accounts: { audited: 1, skipped: 2, notAudited: 1 } });
    expect(run.output.counts).toMatchObject({ FAIL: 1, ERROR: 2 });
    expect(notAuditedLine(run.log)).toEqual([{ id: '222222222222', reason: expect.stringMatching(/account step failed \(OrgStoreError\)/) }]);
  });

  it('an account whose audit outlives the account function\'s time is not cut silently: what was not read in time is ERROR, named, and its result still stored', async () => {
    // The Lambda has 300 ms left after its margin; delivery keeps 3 x 20 ms of it, so collection stops after ~240 ms.
    const run = await execute({ '222222222222': { users: [] }, '333333333333': { users: [] } }, {
      stage: { deadlines: { deliverySeconds: 0.02 } },
      remainingMs: LAMBDA_MARGIN_MS + 300,
      tweak: (m) => void m.members.iam.on(GenerateCredentialReportCommand).callsFake(() => new Promise(() => undefined)), // IAM never answers
    });
    expect(run.output).toMatchObject({ state: 'incomplete', accounts: { audited: 2, notAudited: 0 } });
    const stored = await run.store.getResult(run.output.runId, '222222222222');
    if (stored.kind !== 'found') throw new Error(`no result: ${stored.kind}`);
    expect(stored.result.report.notEvaluated).toContainEqual(expect.objectContaining({ source: 'iam.credentialReport', region: 'global', code: 'Timeout' }));
    expect(stored.result.report.findings.filter((f) => f.status === 'PASS')).toEqual([]);
  });

  it('a stage whose organization.id is not the organization read fails at Discover, naming both ids (the execution fails: its alarm fires)', async () => {
    const running = execute({ '222222222222': { users: [] } }, { stage: { organization: { id: 'o-other00000' } } });
    await expect(running).rejects.toThrow(/organization\.id: the stage says o-other00000 but these credentials belong to organization o-abc1234567/);
  });

  it('1,200 accounts and their outcomes fit the 256 KB state payload the Map\'s items and results travel in (the README\'s limit)', () => {
    const runId = '20261203T083000Z-1a2b3c';
    const name = 'x'.repeat(40); // longer than most account names
    const items = Array.from({ length: 1200 }, (_, i) => ({ runId, partition: 'aws-us-gov', account: { id: String(100000000000 + i), name } }));
    const outcomes = items.map((it, i) => (i % 2 === 0 ? { accountId: it.account.id, state: 'incomplete' } : { accountId: it.account.id, error: 'Sandbox.Timedout' }));
    const mapOutput = { runId, dryRun: false, items, outcomes }; // the largest state data of a run (Accounts' output)
    expect(Buffer.byteLength(JSON.stringify(mapOutput))).toBeLessThan(256 * 1024);
  });
});

/** An instance without the required Owner tag, running for a year, in us-east-1 only. */
function mockInstances() {
  const ec2 = mockClient(EC2Client);
  ec2.on(DescribeInstancesCommand).callsFake(async (_input: unknown, getClient: any) => {
    const region = await getClient().config.region();
    const instance = { InstanceId: 'i-0untagged', State: { Name: 'running' }, LaunchTime: new Date('2025-01-01T00:00:00Z'), Tags: [] };
    return { Reservations: region === 'us-east-1' ? [{ Instances: [instance] }] : [] };
  });
  return ec2;
}

describe('organization state machine with organization.splitRegions (one Map item per account and part)', () => {
  const SPLIT = { regions: ['us-east-1', 'eu-west-1'], audits: { 'iam-console-mfa': {}, 'ec2-required-tags': {} }, organization: { id: 'o-abc1234567', splitRegions: true } };
  let ec2: ReturnType<typeof mockInstances>;
  beforeEach(() => (ec2 = mockInstances()));
  afterEach(() => ec2.restore());

  it('is valid Amazon States Language: each item carries its part into the step and into its outcome', () => {
    const definition = orgDefinition({ arns: ARNS, accountConcurrency: 7, splitRegions: true });
    const { isValid, errorsText } = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });
    expect({ isValid, errors: errorsText('\n') }).toEqual({ isValid: true, errors: '' });
    const map = (definition.States as Record<string, any>)[STATES.accounts];
    expect(map.ItemSelector).toMatchObject({ 'part.$': '$$.Map.Item.Value.part' });
    expect(map.ItemProcessor.States[STATES.account].ResultSelector).toMatchObject({ 'part.$': '$.part' });
    expect(map.ItemProcessor.States[STATES.accountFailed].Parameters).toMatchObject({ 'part.$': '$.part' });
    expect(map.MaxConcurrency).toBe(7); // bounds parts at once, not accounts
  });

  it('audits each account as its global part and one part per region; a region part that fails is named as not read, the rest of the account audited', async () => {
    let iam: ReturnType<typeof install>['members']['iam'] | undefined;
    const run = await execute({ '222222222222': { users: [consoleUser('222222222222', 'bob', false)] }, '333333333333': { users: [] } }, { stage: SPLIT, splitRegions: true, failFor: ['222222222222/eu-west-1'], tweak: (m) => void (iam = m.members.iam) });
    const id = run.output.runId;
    expect([...run.store.objects.keys()].sort()).toEqual([
      `${id}/accounts/222222222222/global.json`,
      `${id}/accounts/222222222222/us-east-1.json`,
      `${id}/accounts/333333333333/eu-west-1.json`,
      `${id}/accounts/333333333333/global.json`,
      `${id}/accounts/333333333333/us-east-1.json`,
      `${id}/discovery.json`,
    ]);
    // Both accounts audited; bob's MFA (global part) and each account's untagged instance in us-east-1 are FAILs.
    expect(run.output).toMatchObject({ state: 'incomplete', accounts: { audited: 2, skipped: 2, notAudited: 0 } });
    expect(run.output.counts).toMatchObject({ FAIL: 3, ERROR: 1 }); // the one ERROR: ec2-required-tags in 222's eu-west-1
    const line = run.log.lines.find((l) => l.message === 'org report')?.data[0] as { notRead: string[] };
    expect(line.notRead).toEqual(["region eu-west-1 of account 222222222222 not read: its step failed (OrgStoreError) and stored no result: see the account function's log"]);
    // Each part read only its own: the credential report once per account, EC2 once per region and account.
    expect(iam?.commandCalls(GetCredentialReportCommand)).toHaveLength(2);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(4);
    const part = await run.store.getResult(id, '333333333333', 'us-east-1');
    expect(part.kind === 'found' && part.result.report.findings.map((f) => [f.auditId, f.region, f.status])).toEqual([['ec2-required-tags', 'us-east-1', 'FAIL']]);
  });

  it('refuses at Discover a run whose items and outcomes would not fit the state payload, naming the count and the fixes', async () => {
    const running = execute({ '222222222222': { users: [] }, '333333333333': { users: [] } }, { stage: SPLIT, splitRegions: true, mapPayloadLimit: 1024 });
    await expect(running).rejects.toThrow(/Map would carry 6 items \(2 accounts x 3 parts \(organization\.splitRegions\)\).*over the 1 KB Step Functions state payload: narrow the scope/);
  });

  it('estimates the Map\'s payload at or above what it really carries', () => {
    const runId = '20261203T083000Z-1a2b3c';
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    const items = Array.from({ length: 300 }, (_, i) => ['global', ...regions].map((part) => ({ runId, partition: 'aws', account: { id: String(100000000000 + i), name: 'x'.repeat(40) }, part }))).flat();
    const outcomes = items.map((it, i) => (i % 2 === 0 ? { accountId: it.account.id, part: it.part, state: 'incomplete' } : { accountId: it.account.id, part: it.part, error: 'Sandbox.Timedout' }));
    const real = Buffer.byteLength(JSON.stringify({ runId, items, dryRun: false, outcomes }));
    expect(mapPayloadBytes({ runId, items })).toBeGreaterThanOrEqual(real);
    expect(mapPayloadBytes({ runId, items })).toBeLessThan(real * 1.3);
  });
});
