import { mockClient } from 'aws-sdk-client-mock';
import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { ActionError, ConfigError } from '../../shared/errors';
import { isOverdue, parseGuardEvent, runGuard } from '../../shared/operator/guard';
import type { OperatorDeadlines } from '../../shared/operator/deadline';
import { operatorConfig, STAGING } from './fixtures';

const ec2 = mockClient(EC2Client);
const ses = mockClient(SESv2Client);
const NOW = new Date('2026-11-23T20:00:00Z');
const notify = { from: 'bots@example.com', to: ['client@example.com'] };
const QA = { instanceId: 'i-0fedcba9876543210', region: 'us-east-1', tokenParameter: '/opsbots/qa/token', maxRunHours: 2 };

const instance = (id: string, state: string, launch: string) => ({ InstanceId: id, State: { Name: state as never }, LaunchTime: new Date(launch) });

beforeEach(() => {
  ec2.reset();
  ses.reset();
  ec2.on(StopInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({ StoppingInstances: [{ InstanceId: input.InstanceIds[0], PreviousState: { Name: 'running' }, CurrentState: { Name: 'stopping' } }] }));
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

const run = (config: ReturnType<typeof operatorConfig>, dryRun = false, limits: { deadlines?: OperatorDeadlines; budgetMs?: number } = {}) => {
  const log = new MemoryLog();
  return { log, result: runGuard({ config, clients: new Clients({ maxAttempts: 1 }), log, now: NOW, dryRun, ...limits }) };
};

describe('operator guard: overdue', () => {
  const running = { instanceId: 'i-1', state: 'running' as const, launchTime: new Date('2026-11-23T10:00:00Z') };
  it('is overdue from exactly maxRunHours after the last start', () => {
    expect(isOverdue(running, 10, NOW)).toBe(true);
    expect(isOverdue(running, 10.02, NOW)).toBe(false);
    expect(isOverdue(running, 0.5, NOW)).toBe(true);
  });
  it('never judges a stopped, pending or undated instance', () => {
    expect(isOverdue({ ...running, state: 'pending' }, 1, NOW)).toBe(false);
    expect(isOverdue({ ...running, state: 'stopped' }, 1, NOW)).toBe(false);
    expect(isOverdue({ instanceId: 'i-1', state: 'running' }, 1, NOW)).toBe(false);
  });
});

describe('operator guard: run', () => {
  it('stops a target running past maxRunHours, logs it and emails its notify list', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance(STAGING.instanceId, 'running', '2026-11-23T07:30:00Z')] }] });
    const { log, result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 12, notify } } }));
    expect(await result).toEqual({ dryRun: false, checked: 1, stopped: ['staging'], wouldStop: [] });
    expect(ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toEqual([{ InstanceIds: [STAGING.instanceId] }]);
    expect(log.lines.find((l) => l.message === 'operator guard: stopped')?.data[0]).toMatchObject({ target: 'staging', hours: 12.5, maxRunHours: 12, undo: `aws ec2 start-instances --instance-ids ${STAGING.instanceId} --region ${STAGING.region}` });
    const mail = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(mail?.Destination?.ToAddresses).toEqual(['client@example.com']);
    expect(mail?.FromEmailAddress).toBe('bots@example.com');
    // Simple content: SES writes the MIME, so the guard's bundle carries no MIME library (test/deploy/bundle.test.ts).
    expect(mail?.Content?.Raw).toBeUndefined();
    expect(mail?.Content?.Simple?.Subject).toEqual({ Data: '[opsbots] stopped staging after 12.5 hours', Charset: 'UTF-8' });
    expect(mail?.Content?.Simple?.Body?.Text?.Data).toMatch(/^opsbots \(\w+\) stopped staging \(i-0123456789abcdef0 in [\w-]+\): it had run 12\.5 hours since 2026-11-23T07:30:00\.000Z, past its limit of 12 hours\./);
    expect(mail?.Content?.Simple?.Body?.Html?.Data).toMatch(/^<p>opsbots .* stopped staging .*<\/p><p>Start it again from its operator endpoint when needed\.<\/p>$/);
  });

  it('leaves alone targets within their limit, without maxRunHours, or not running', async () => {
    ec2.on(DescribeInstancesCommand, { InstanceIds: [STAGING.instanceId] }).resolves({ Reservations: [{ Instances: [instance(STAGING.instanceId, 'running', '2026-11-23T19:00:00Z')] }] });
    ec2.on(DescribeInstancesCommand, { InstanceIds: [QA.instanceId] }).resolves({ Reservations: [{ Instances: [instance(QA.instanceId, 'stopped', '2026-11-20T00:00:00Z')] }] });
    const other = { ...STAGING, instanceId: 'i-0aaaaaaaaaaaaaaaa' };
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 8 }, qa: QA, other } }));
    expect(await result).toMatchObject({ checked: 2, stopped: [] });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
  });

  it('on a dry run stops nothing and sends nothing, saying what it would stop', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance(STAGING.instanceId, 'running', '2026-11-22T00:00:00Z')] }] });
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 1, notify } } }), true);
    expect(await result).toMatchObject({ dryRun: true, stopped: [], wouldStop: ['staging'] });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });

  it('still stops the other region\'s target when one region fails, then fails the run naming what failed', async () => {
    ec2.on(DescribeInstancesCommand, { InstanceIds: [STAGING.instanceId] }).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    ec2.on(DescribeInstancesCommand, { InstanceIds: [QA.instanceId] }).resolves({ Reservations: [{ Instances: [instance(QA.instanceId, 'running', '2026-11-23T10:00:00Z')] }] });
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 1 }, qa: QA } }));
    await expect(result).rejects.toThrow(ActionError);
    await expect(result).rejects.toThrow(/staging \(i-0123456789abcdef0\) ec2:DescribeInstances UnauthorizedOperation/);
    expect(ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([[QA.instanceId]]);
  });

  it('accepts only a schedule tick or a dry-run request as its event', () => {
    expect(parseGuardEvent({ source: 'opsbots.schedule' })).toEqual({ source: 'opsbots.schedule', dryRun: false });
    expect(() => parseGuardEvent({ dryrun: true })).toThrow(ConfigError);
  });
});

describe('operator guard: deadlines', () => {
  const never = () => new Promise<never>(() => undefined);
  const deadlines = { callMs: 50, connectMs: 1_000, requestMs: 1_000 };
  const overdue = (id: string) => ({ Reservations: [{ Instances: [instance(id, 'running', '2026-11-23T00:00:00Z')] }] });
  const failuresOf = async (result: Promise<unknown>) => ((await result.catch((e: unknown) => e)) as ActionError).failures.map((f) => `${f.resource} ${f.action} ${f.code}`);

  it('ends a region that never answers at its deadline and still stops the other region\'s target', async () => {
    ec2.on(DescribeInstancesCommand, { InstanceIds: [STAGING.instanceId] }).callsFake(never);
    ec2.on(DescribeInstancesCommand, { InstanceIds: [QA.instanceId] }).resolves(overdue(QA.instanceId));
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 1 }, qa: QA } }), false, { deadlines });
    expect(await failuresOf(result)).toEqual(['staging (i-0123456789abcdef0) ec2:DescribeInstances Timeout']);
    expect(ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([[QA.instanceId]]);
  });

  it('ends a stop and a mail that never answer at their deadline, each a Timeout failure', async () => {
    ec2.on(DescribeInstancesCommand, { InstanceIds: [STAGING.instanceId] }).resolves(overdue(STAGING.instanceId));
    ec2.on(DescribeInstancesCommand, { InstanceIds: [QA.instanceId] }).resolves(overdue(QA.instanceId));
    ec2.on(StopInstancesCommand, { InstanceIds: [STAGING.instanceId] }).callsFake(never);
    ses.on(SendEmailCommand).callsFake(never);
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 1 }, qa: { ...QA, notify } } }), false, { deadlines });
    expect(await failuresOf(result)).toEqual(['staging (i-0123456789abcdef0) ec2:StopInstances Timeout', 'qa (i-0fedcba9876543210) ses:SendEmail Timeout']);
  });

  it('starts no call once the run\'s budget is spent: what it did not reach is a Timeout failure', async () => {
    ec2.on(DescribeInstancesCommand).callsFake(never);
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 1 }, qa: QA } }), false, { deadlines: { ...deadlines, callMs: 5_000 }, budgetMs: 50 });
    expect(await failuresOf(result)).toEqual(['staging (i-0123456789abcdef0) ec2:DescribeInstances Timeout', 'qa (i-0fedcba9876543210) ec2:DescribeInstances Timeout']);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });

  it('fails a target DescribeInstances did not return instead of taking it as within its limit', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const { result } = run(operatorConfig({ targets: { staging: { ...STAGING, maxRunHours: 1 } } }));
    expect(await failuresOf(result)).toEqual(['staging (i-0123456789abcdef0) ec2:DescribeInstances InstanceNotReturned']);
  });
});

describe('operator guard: handler seam', () => {
  it('answers the warmer marker and rejects a malformed event before any AWS call', async () => {
    const { handler } = await import('../../functions/operator-guard');
    expect(await handler({ source: 'opsbots.warmer' })).toEqual({ warmup: true, cold: true });
    const env = { ...process.env };
    process.env.OPSBOTS_STAGE = 't';
    process.env.OPSBOTS_CONFIG = JSON.stringify({ operator: { targets: { staging: { ...STAGING, maxRunHours: 1 } } } });
    try {
      await expect(handler({ dryRun: 'yes' })).rejects.toThrow(/event: dryRun/);
    } finally {
      process.env = env;
    }
    expect(ec2.calls()).toHaveLength(0);
  });
});
