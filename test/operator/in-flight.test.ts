import { mockClient } from 'aws-sdk-client-mock';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { InFlight } from '../../shared/operator/inflight';
import { operatorSetup, post, STAGING, TOKEN } from './fixtures';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

const later = <T>(ms: number, value: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(value()), ms));

/**
 * A slow EC2 holding one instance: DescribeInstances answers after 20 ms with the state it had when asked,
 * StartInstances/StopInstances after 50 ms, moving stopped -> pending / running -> stopping.
 */
function slowInstance(initial: 'stopped' | 'running') {
  let state: string = initial;
  ec2.on(DescribeInstancesCommand).callsFake(() => {
    const seen = state;
    return later(20, () => ({ Reservations: [{ Instances: [{ InstanceId: STAGING.instanceId, State: { Name: seen } }] }] }));
  });
  const change = (from: string, to: string, key: 'StartingInstances' | 'StoppingInstances') => () =>
    later(50, () => {
      const previous = state;
      if (state === from) state = to;
      return { [key]: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: previous }, CurrentState: { Name: state } }] };
    });
  ec2.on(StartInstancesCommand).callsFake(change('stopped', 'pending', 'StartingInstances'));
  ec2.on(StopInstancesCommand).callsFake(change('running', 'stopping', 'StoppingInstances'));
}

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  ssm.on(GetParameterCommand).callsFake(() => later(10, () => ({ Parameter: { Value: TOKEN } })));
});

describe('operator endpoints: a start or stop in flight is not sent again', () => {
  it('makes one StartInstances call for 20 concurrent starts, and gives all 20 its answer', async () => {
    slowInstance('stopped');
    const { call, log } = operatorSetup('start');
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(post('/instances/staging/start'))));
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(1);
    expect(answers.map((a) => [a.statusCode, JSON.parse(a.body)])).toEqual(Array.from({ length: 20 }, () => [200, { target: 'staging', previous: 'stopped', current: 'pending', undo: 'POST /instances/staging/stop' }]));
    // Concurrent first calls share one token read too.
    expect(ssm.calls()).toHaveLength(1);
    const lines = log.lines.map((l) => l.data[0] as { result: string; joined?: boolean });
    expect(lines).toHaveLength(20);
    expect(lines.filter((l) => l.joined === true)).toHaveLength(19);
    expect(new Set(lines.map((l) => l.result))).toEqual(new Set(['ok']));
  });

  it('answers a start that comes after from the state, without a call: 409 while pending', async () => {
    slowInstance('stopped');
    const { call } = operatorSetup('start');
    await Promise.all(Array.from({ length: 5 }, () => call(post('/instances/staging/start'))));
    const after = await call(post('/instances/staging/start'));
    expect([after.statusCode, JSON.parse(after.body)]).toEqual([409, expect.objectContaining({ current: 'pending' })]);
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(1);
  });

  it('makes one StopInstances call for 20 concurrent stops', async () => {
    slowInstance('running');
    const { call } = operatorSetup('stop');
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(post('/instances/staging/stop'))));
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body))).toEqual(new Set([JSON.stringify({ target: 'staging', previous: 'running', current: 'stopping', undo: 'POST /instances/staging/start' })]));
  });

  it('does not join a start with a wrong token: each caller is checked before joining', async () => {
    slowInstance('stopped');
    const { call } = operatorSetup('start');
    const [good, bad] = await Promise.all([call(post('/instances/staging/start')), call(post('/instances/staging/start', { authorization: 'Bearer wrong' }))]);
    expect([good.statusCode, bad.statusCode]).toEqual([200, 401]);
  });

  it('shares a failure with the callers that joined it, then lets the next start try again', async () => {
    slowInstance('stopped');
    ec2.on(StartInstancesCommand).callsFakeOnce(() => later(50, () => Promise.reject(Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' })))).callsFake(() => later(10, () => ({ StartingInstances: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: 'stopped' }, CurrentState: { Name: 'pending' } }] })));
    const { call } = operatorSetup('start');
    const failed = await Promise.all(Array.from({ length: 3 }, () => call(post('/instances/staging/start'))));
    expect(failed.map((a) => a.statusCode)).toEqual([502, 502, 502]);
    expect((await call(post('/instances/staging/start'))).statusCode).toBe(200);
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(2);
  });
});

describe('operator: InFlight', () => {
  it('runs one piece of work per key at a time and frees the key when it settles', async () => {
    const inflight = new InFlight<number>();
    let runs = 0;
    const work = () => later(5, () => ++runs);
    const a = inflight.run('k', work);
    const b = inflight.run('k', work);
    const other = inflight.run('other', work);
    expect([a.joined, b.joined, other.joined]).toEqual([false, true, false]);
    expect(await Promise.all([a.promise, b.promise])).toEqual([1, 1]);
    await other.promise;
    expect(inflight.size).toBe(0);
    expect(await inflight.run('k', work).promise).toBe(3);
  });
});
