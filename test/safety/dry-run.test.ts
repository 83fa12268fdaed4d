import { join } from 'node:path';
import { readStageFile, CONFIG_DIR } from '../../shared/config/load';
import { buildDeployment } from '../../shared/deploy/template';
import type { RecordingStore } from '../../shared/aws/recording';
import { STAGING } from '../operator/fixtures';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample');

/**
 * The sample stage with everything that can change or send switched on: remediations, email with stored
 * state, the digest, Security Hub, a chat webhook, an operator target the guard watches (and mails about),
 * and an enabled warmer.
 */
const sample = readStageFile(join(CONFIG_DIR, 'sample.yml')) as { audits: Record<string, object>; notify: object };
const STAGE = {
  ...sample,
  notify: { ...sample.notify, sendWhen: 'changes', webhooks: [{ kind: 'slack', urlParameter: '/opsbots/drysafe/slack' }] },
  securityHub: { enabled: true },
  digest: {},
  audits: { ...sample.audits, 'ec2-open-security-groups': { remediation: { enabled: true, maxActions: 20 } } },
  operator: { targets: { staging: { ...STAGING, maxRunHours: 1, notify: { from: 'bots@example.com', to: ['client@example.com'] } } } },
  warmer: { enabled: true, targets: [{ function: 'iamUnusedCredentials', concurrency: 2 }, { arn: 'arn:aws:lambda:us-east-1:123456789012:function:other-api' }] },
};

const FUNCTIONS = Object.entries(buildDeployment('drysafe', STAGE).functions).map(([key, fn]) => {
  const f = fn as { handler: string; environment?: Record<string, unknown> };
  const environment = Object.fromEntries(Object.entries(f.environment ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  // The bucket is a CloudFormation Ref at deploy time: a name here, so the state is really read.
  if ('OPSBOTS_STATE_PREFIX' in environment) environment.OPSBOTS_STATE_BUCKET = 'opsbots-drysafe-state';
  return { key, handler: f.handler, environment };
});

/** The guard's target, running for a day (past its maxRunHours: 1): the sample account has no such instance. */
const GUARDED_INSTANCE = {
  input: { InstanceIds: [STAGING.instanceId] },
  output: { Reservations: [{ Instances: [{ InstanceId: STAGING.instanceId, State: { Name: 'running' }, LaunchTime: '2026-11-19T08:00:00.000Z' }] }] },
};

interface Call {
  readonly service: string;
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** Reading, and EC2's own dry-run form of a write (`DryRun: true`, which changes nothing). */
const changesNothing = (c: Call) => /^(Describe|Get|List)/.test(c.operation) || c.operation === 'GenerateCredentialReport' || c.input.DryRun === true;

/**
 * Invokes a deployed function as a fresh container against the replayed sample account and returns every
 * AWS call it attempted (the replay answers recorded reads; anything else fails as NotRecorded, after the
 * attempt was seen here).
 */
async function invoke(fn: (typeof FUNCTIONS)[number], event: object): Promise<{ calls: Call[]; outcome: unknown }> {
  const calls: Call[] = [];
  let outcome: unknown;
  const saved = process.env;
  try {
    await jest.isolateModulesAsync(async () => {
      process.env = { ...saved, ...fn.environment, OPSBOTS_REPLAY: SAMPLE };
      const { RecordingStore: Store } = require(join(ROOT, 'shared/aws/recording')) as { RecordingStore: typeof RecordingStore };
      const original = Store.prototype.find;
      jest.spyOn(Store.prototype, 'find').mockImplementation(function (this: RecordingStore, service, region, operation, input) {
        calls.push({ service, operation, input: (input ?? {}) as Record<string, unknown> });
        if (service === 'ec2' && region === STAGING.region && operation === 'DescribeInstances') return GUARDED_INSTANCE;
        if (service === 'ssm' && operation === 'GetParameter') return { input: {}, output: { Parameter: { Value: 'https://chat.invalid/hook' } } };
        return original.call(this, service, region, operation, input);
      });
      // A chat webhook is an HTTP POST, not an SDK call: seen here, never sent.
      jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
        calls.push({ service: 'http', operation: init?.method ?? 'GET', input: {} });
        return new Response('ok');
      });
      const file = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
      const handler = (require(join(ROOT, file)) as { handler: (event: unknown) => Promise<unknown> }).handler;
      outcome = await handler(event).catch((error: unknown) => error); // failing is allowed; changing something is not
    });
  } finally {
    process.env = saved;
    jest.restoreAllMocks();
  }
  return { calls, outcome };
}

describe('safety: a dry run changes nothing and sends nothing, in every deployed function', () => {
  it('deploys every kind of function that could change or send something', () => {
    expect(FUNCTIONS.map((f) => f.key)).toEqual(expect.arrayContaining(['iamUnusedCredentials', 'ec2RequiredTags', 'ec2OpenSecurityGroups', 'digest', 'operatorGuard', 'warmer']));
  });

  it('sees a write when the run is not a dry run (the check can fail)', async () => {
    const fn = FUNCTIONS.find((f) => f.key === 'iamUnusedCredentials');
    if (!fn) throw new Error('no iamUnusedCredentials');
    const writes = (await invoke(fn, { source: 'opsbots.schedule' })).calls.filter((c) => !changesNothing(c)).map((c) => `${c.service}:${c.operation}`);
    expect(writes).toEqual(expect.arrayContaining(['iam:UpdateAccessKey', 'securityhub:BatchImportFindings', 'http:POST']));
    for (const [key, write] of [['warmer', 'lambda:Invoke'], ['operatorGuard', 'ec2:StopInstances'], ['ec2OpenSecurityGroups', 'ec2:RevokeSecurityGroupIngress']] as const) {
      const other = FUNCTIONS.find((f) => f.key === key);
      if (!other) throw new Error(`no ${key}`);
      expect((await invoke(other, { source: 'opsbots.schedule' })).calls.filter((c) => !changesNothing(c)).map((c) => `${c.service}:${c.operation}`)).toContain(write);
    }
  }, 30_000);

  it.each(FUNCTIONS.map((f) => [f.key, f] as const))('%s on {"dryRun":true} only reads', async (_key, fn) => {
    const { calls, outcome } = await invoke(fn, { dryRun: true });
    // It really ran (a config error would change nothing too, and prove nothing).
    expect(outcome).not.toBeInstanceOf(Error);
    if (!fn.key.startsWith('operator') || fn.key === 'operatorGuard') expect(outcome).toMatchObject({ dryRun: true });
    expect(calls.filter((c) => !changesNothing(c)).map((c) => `${c.service}:${c.operation}`)).toEqual([]);
  }, 30_000);

  it('says what it would have done instead: keys to deactivate, rules to revoke, the email, the guard\'s stop, the warmer\'s calls', async () => {
    const outcome = async (key: string) => {
      const fn = FUNCTIONS.find((f) => f.key === key);
      if (!fn) throw new Error(`no ${key}`);
      return (await invoke(fn, { dryRun: true })).outcome as Record<string, unknown>;
    };
    expect(await outcome('iamUnusedCredentials')).toMatchObject({ actions: 2, delivery: { sent: false, reason: 'dry run: nothing sent' }, changes: { stateSaved: false } });
    expect(await outcome('ec2OpenSecurityGroups')).toMatchObject({ actions: 17, delivery: { sent: false } });
    expect(await outcome('digest')).toMatchObject({ delivery: { sent: false, reason: 'dry run: nothing sent' }, changes: { stateSaved: false } });
    expect(await outcome('operatorGuard')).toEqual({ dryRun: true, checked: 1, stopped: [], wouldStop: ['staging'] });
    expect(await outcome('warmer')).toMatchObject({ dryRun: true, invocations: 0, targets: 2 });
  }, 30_000);
});
