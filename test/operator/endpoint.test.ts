import { mockClient } from 'aws-sdk-client-mock';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { operatorDeps, operatorHandler, operatorRuntime } from '../../shared/operator/handler';
import type { HttpResponse } from '../../shared/operator/http';
import { NO_TARGET_PARAMETER } from '../../shared/operator/token';
import { bearer, httpEvent, operatorConfig, operatorSetup, post, STAGING, TOKEN } from './fixtures';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

const described = (state: string, launch = '2026-11-23T08:00:00.000Z') => ({
  Reservations: [{ Instances: [{ InstanceId: STAGING.instanceId, State: { Name: state as never }, LaunchTime: new Date(launch) }] }],
});

const setup = operatorSetup;
const body = (r: HttpResponse) => JSON.parse(r.body) as Record<string, unknown>;
const awsCalls = () => ec2.calls().length + ssm.calls().length;

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  ssm.on(GetParameterCommand, { Name: STAGING.tokenParameter, WithDecryption: true }).resolves({ Parameter: { Value: TOKEN } });
  ssm.on(GetParameterCommand, { Name: NO_TARGET_PARAMETER }).rejects(Object.assign(new Error('not authorized to perform: ssm:GetParameter'), { name: 'AccessDeniedException' }));
  ec2.on(DescribeInstancesCommand).resolves(described('stopped'));
  ec2.on(StartInstancesCommand).resolves({ StartingInstances: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: 'stopped' }, CurrentState: { Name: 'pending' } }] });
  ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [{ InstanceId: STAGING.instanceId, PreviousState: { Name: 'running' }, CurrentState: { Name: 'stopping' } }] });
});

describe('operator endpoints: auth', () => {
  it('starts the instance for the right token and answers the transition', async () => {
    const { call } = setup('start');
    const res = await call(post('/instances/staging/start'));
    expect(res.statusCode).toBe(200);
    // The caller is told which request reverses it (they have no AWS access).
    expect(body(res)).toEqual({ target: 'staging', previous: 'stopped', current: 'pending', undo: 'POST /instances/staging/stop' });
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    expect(ec2.commandCalls(StartInstancesCommand).map((c) => c.args[0].input)).toEqual([{ InstanceIds: [STAGING.instanceId] }]);
    expect(await ec2.call(0).thisValue.config.region()).toBe('eu-central-1');
  });

  it.each([
    ['no Authorization header', {}],
    ['an empty header', { authorization: '' }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
    ['a wrong token', bearer('tok-wrong')],
    ['the token with one character more', bearer(`${TOKEN}x`)],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ])('answers 401 with no detail and changes nothing for %s', async (_, headers) => {
    const { call } = setup('start');
    const res = await call(post('/instances/staging/start', headers));
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe('{"message":"unauthorized"}');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(ec2.calls()).toHaveLength(0);
  });

  it('answers an unknown target exactly like a wrong token, reading only the parameter nobody may read', async () => {
    const { call } = setup('start');
    const wrong = await call(post('/instances/staging/start', bearer('nope')));
    const unknown = await call(post('/instances/production/start'));
    expect(unknown).toEqual(wrong);
    expect(ssm.calls().map((c) => c.args[0].input)).toEqual([
      { Name: STAGING.tokenParameter, WithDecryption: true },
      { Name: NO_TARGET_PARAMETER, WithDecryption: true },
    ]);
    expect(ec2.calls()).toHaveLength(0);
    const deny = await setup('from-path', operatorConfig({ targets: {} })).call(post('/instances/staging/start'));
    expect(deny).toEqual(wrong);
  });

  it('does not take inherited object keys for targets', async () => {
    const { call } = setup('start');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect((await call(post(`/instances/${name}/start`))).statusCode).toBe(401);
    }
    expect(ec2.calls()).toHaveLength(0);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual([NO_TARGET_PARAMETER]); // only `constructor` is a well-formed name
  });

  it('refuses a query-string token by default (400 naming the header), even a right one, before any AWS call', async () => {
    const { call } = setup('start');
    const res = await call(post('/instances/staging/start', {}, { token: TOKEN }));
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toMatch(/Authorization header/);
    expect(res.body).not.toContain(TOKEN);
    expect(awsCalls()).toBe(0);
  });

  it('accepts a query-string token where the stage allows it', async () => {
    const { call } = setup('start', operatorConfig({ targets: { staging: STAGING }, allowQueryToken: true }));
    expect((await call(post('/instances/staging/start', {}, { token: TOKEN }))).statusCode).toBe(200);
    expect((await call(post('/instances/staging/start', {}, { token: 'wrong' }))).statusCode).toBe(401);
  });

  it('reads the token parameter once per cache period, not per request', async () => {
    const { call } = setup('state');
    for (let i = 0; i < 3; i++) expect((await call(httpEvent({ path: '/instances/staging', headers: bearer(TOKEN) }))).statusCode).toBe(200);
    expect(ssm.calls()).toHaveLength(1);
  });
});

describe('operator endpoints: transitions', () => {
  it('answers 200 "already running" to a start on a running instance, without calling StartInstances', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('running'));
    const res = await setup('start').call(post('/instances/staging/start'));
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({ target: 'staging', previous: 'running', current: 'running', message: 'already running' });
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(0);
  });

  it('answers 200 "already stopped" to a stop on a stopped instance', async () => {
    const res = await setup('stop').call(post('/instances/staging/stop'));
    expect(body(res)).toEqual({ target: 'staging', previous: 'stopped', current: 'stopped', message: 'already stopped' });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
  });

  it('stops a running instance', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('running'));
    const res = await setup('stop').call(post('/instances/staging/stop'));
    expect([res.statusCode, body(res)]).toEqual([200, { target: 'staging', previous: 'running', current: 'stopping', undo: 'POST /instances/staging/start' }]);
  });

  it.each(['pending', 'stopping'])('answers 409 with the current state while the instance is %s', async (state) => {
    ec2.on(DescribeInstancesCommand).resolves(described(state));
    for (const action of ['start', 'stop'] as const) {
      const res = await setup(action).call(post(`/instances/staging/${action}`));
      expect(res.statusCode).toBe(409);
      expect(body(res)).toMatchObject({ target: 'staging', current: state });
    }
    expect(ec2.commandCalls(StartInstancesCommand).length + ec2.commandCalls(StopInstancesCommand).length).toBe(0);
  });

  it('answers the state, with the start time while running', async () => {
    ec2.on(DescribeInstancesCommand).resolves(described('running'));
    const res = await setup('state').call(httpEvent({ path: '/instances/staging', headers: bearer(TOKEN) }));
    expect(body(res)).toEqual({ target: 'staging', current: 'running', since: '2026-11-23T08:00:00.000Z' });
  });
});

describe('operator endpoints: AWS failures', () => {
  const cases: [string, () => void][] = [
    ['EC2 denies StartInstances', () => ec2.on(StartInstancesCommand).rejects(Object.assign(new Error('You are not authorized to perform arn:aws:ec2:eu-central-1:123456789012:instance/i-0123456789abcdef0'), { name: 'UnauthorizedOperation' }))],
    ['the instance is gone', () => ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error("The instance ID 'i-0123456789abcdef0' does not exist"), { name: 'InvalidInstanceID.NotFound' }))],
    ['the token parameter is missing', () => ssm.on(GetParameterCommand).rejects(Object.assign(new Error('parameter /opsbots/staging/token not found'), { name: 'ParameterNotFound' }))],
    ['DescribeInstances returns nothing', () => ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] })],
  ];
  it.each(cases)('answers a generic 502 and logs the detail when %s', async (_, arrange) => {
    arrange();
    const { call, log } = setup('start');
    const res = await call(post('/instances/staging/start'));
    expect(res.statusCode).toBe(502);
    expect(body(res)).toEqual({ message: 'the instance could not be reached; try again later' });
    expect(res.body).not.toMatch(/i-0|arn:|opsbots\/staging|Unauthorized|NotFound/);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'error', message: 'operator', data: [expect.objectContaining({ result: 'aws-error', status: 502, error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) })] })]);
  });
});

describe('operator endpoints: logging', () => {
  it('logs one structured line per call with target, action, source IP, user agent and result', async () => {
    const { call, log } = setup('start');
    await call(post('/instances/staging/start', { ...bearer(TOKEN), 'user-agent': 'client-laptop/1.0' }));
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toEqual({ level: 'info', message: 'operator', data: [{ target: 'staging', action: 'start', sourceIp: '203.0.113.7', userAgent: 'client-laptop/1.0', result: 'ok', status: 200, previous: 'stopped', current: 'pending', undo: `aws ec2 stop-instances --instance-ids ${STAGING.instanceId} --region ${STAGING.region}` }] });
  });

  it('never logs the token, right or wrong, in the header or the query', async () => {
    const wrong = 'tok-attacker-guess-0000000000000000';
    const { call, log } = setup('start');
    await call(post('/instances/staging/start'));
    await call(post('/instances/staging/start', bearer(wrong)));
    await call(post('/instances/staging/start', {}, { token: TOKEN }));
    await call(post('/instances/nobody/start', bearer(TOKEN)));
    ec2.on(StartInstancesCommand).rejects(new Error('boom'));
    await call(post('/instances/staging/start'));
    const allowed = setup('start', operatorConfig({ targets: { staging: STAGING }, allowQueryToken: true }));
    await allowed.call(post('/instances/staging/start', {}, { token: TOKEN }));
    const text = log.text() + allowed.log.text();
    expect(log.lines.map((l) => l.data[0])).toEqual([
      expect.objectContaining({ result: 'ok' }),
      expect.objectContaining({ result: 'bad-token' }),
      expect.objectContaining({ result: 'query-token-refused' }),
      expect.objectContaining({ result: 'unknown-target', target: 'nobody' }),
      expect.objectContaining({ result: 'aws-error' }),
    ]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(wrong);
  });
});

describe('operator endpoints: handler seam', () => {
  it('answers the warmer marker at once, cold then warm, touching no AWS API', async () => {
    const { handler } = setup('start');
    expect(await handler({ source: 'opsbots.warmer' } as never)).toEqual({ warmup: true, cold: true });
    expect(await handler({ source: 'opsbots.warmer' } as never)).toEqual({ warmup: true, cold: false });
    expect(awsCalls()).toBe(0);
  });

  it('fails at cold start on a bad stage config naming the field, before any AWS call', async () => {
    const handler = operatorHandler('start', () => operatorDeps(operatorRuntime({ OPSBOTS_STAGE: 't', OPSBOTS_CONFIG: JSON.stringify({ operator: { targets: { staging: { ...STAGING, instanceId: 'i-xyz' } } } }) })));
    await expect(handler(post('/instances/staging/start'))).rejects.toThrow(/operator\.targets\.staging\.instanceId/);
    expect(awsCalls()).toBe(0);
  });
});
