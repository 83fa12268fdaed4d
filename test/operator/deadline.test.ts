import { mockClient } from 'aws-sdk-client-mock';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Action } from '../../shared/operator/transitions';
import { httpEvent, bearer, operatorSetup, post, STAGING, TOKEN } from './fixtures';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

const DEADLINES = { callMs: 60, connectMs: 1_000, requestMs: 1_000 };
const described = (state: string) => ({ Reservations: [{ Instances: [{ InstanceId: STAGING.instanceId, State: { Name: state as never } }] }] });
const never = () => new Promise<never>(() => undefined);

/** Fails the test (instead of hanging it) when the handler has not answered within `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const signalOf = (call: { args: unknown[] }) => (call.args[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal;

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: TOKEN } });
  ec2.on(DescribeInstancesCommand).resolves(described('stopped'));
  ec2.on(StartInstancesCommand).resolves({ StartingInstances: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: 'stopped' }, CurrentState: { Name: 'pending' } }] });
  ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: 'running' }, CurrentState: { Name: 'stopping' } }] });
});

describe('operator endpoints: every AWS call ends by its deadline', () => {
  const cases: [string, Action, () => { args: unknown[] }[]][] = [
    ['SSM GetParameter (the token)', 'start', () => (ssm.on(GetParameterCommand).callsFake(never), ssm.commandCalls(GetParameterCommand))],
    ['EC2 DescribeInstances', 'state', () => (ec2.on(DescribeInstancesCommand).callsFake(never), ec2.commandCalls(DescribeInstancesCommand))],
    ['EC2 StartInstances', 'start', () => (ec2.on(StartInstancesCommand).callsFake(never), ec2.commandCalls(StartInstancesCommand))],
    ['EC2 StopInstances', 'stop', () => (ec2.on(DescribeInstancesCommand).resolves(described('running')), ec2.on(StopInstancesCommand).callsFake(never), ec2.commandCalls(StopInstancesCommand))],
  ];

  it.each(cases)('answers the generic 502 and logs one line with the code when %s never answers, aborting the request', async (_, action, hang) => {
    hang();
    const { call, log } = operatorSetup(action, undefined, DEADLINES);
    const event = action === 'state' ? httpEvent({ path: '/instances/staging', headers: bearer(TOKEN) }) : post(`/instances/staging/${action}`);
    const res = await within(2_000, call(event));
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body)).toEqual({ message: 'the instance could not be reached; try again later' });
    expect(log.lines).toEqual([
      { level: 'error', message: 'operator', data: [expect.objectContaining({ target: 'staging', action, result: 'timeout', status: 502, error: { code: 'Timeout', message: 'AWS did not answer within 60 ms' } })] },
    ]);
    expect(log.text()).not.toContain(TOKEN);
    const hung = hang().at(-1);
    expect(signalOf(hung!)?.aborted).toBe(true);
  });

  it('frees the target after a start that timed out: the next start is sent again', async () => {
    ec2.on(StartInstancesCommand).callsFakeOnce(never).resolves({ StartingInstances: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: 'stopped' }, CurrentState: { Name: 'pending' } }] });
    const { call } = operatorSetup('start', undefined, DEADLINES);
    expect((await within(2_000, call(post('/instances/staging/start')))).statusCode).toBe(502);
    expect((await within(2_000, call(post('/instances/staging/start')))).statusCode).toBe(200);
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(2);
  });

  it('passes one abort signal to every call of a request, still live while the call is on time', async () => {
    const { call } = operatorSetup('start', undefined, { ...DEADLINES, callMs: 5_000 });
    expect((await call(post('/instances/staging/start'))).statusCode).toBe(200);
    const signals = [...ssm.calls(), ...ec2.calls()].map(signalOf);
    expect(signals).toHaveLength(3);
    expect(new Set(signals).size).toBe(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
  });
});
