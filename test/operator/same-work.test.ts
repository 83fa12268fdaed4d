import { mockClient } from 'aws-sdk-client-mock';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient, type GetParameterCommandInput } from '@aws-sdk/client-ssm';
import type { HttpEvent } from '../../shared/operator/http';
import { NO_TARGET_PARAMETER } from '../../shared/operator/token';
import { bearer, operatorConfig, operatorSetup, post, STAGING, TOKEN } from './fixtures';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

const denied = () => Object.assign(new Error('User is not authorized to perform: ssm:GetParameter'), { name: 'AccessDeniedException' });

/** Every AWS operation the function makes and every answer it gives, in order (parameter names left out). */
let ops: string[] = [];

function recordingFakes(ssmFails?: () => Error) {
  ssm.on(GetParameterCommand).callsFake((input: GetParameterCommandInput) => {
    ops.push(`ssm:GetParameter decrypt=${String(input.WithDecryption)}`);
    if (ssmFails) throw ssmFails();
    if (input.Name === NO_TARGET_PARAMETER) throw denied();
    return { Parameter: { Value: TOKEN } };
  });
  ec2.on(DescribeInstancesCommand).callsFake(() => {
    ops.push('ec2:DescribeInstances');
    return { Reservations: [{ Instances: [{ InstanceId: STAGING.instanceId, State: { Name: 'stopped' } }] }] };
  });
  ec2.on(StartInstancesCommand).callsFake(() => {
    ops.push('ec2:StartInstances');
    return {};
  });
}

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  ops = [];
  recordingFakes();
});

/** The operations and answers of `events` sent in turn to one fresh function (one container). */
async function trace(fn: ReturnType<typeof operatorSetup>, events: HttpEvent[]): Promise<string[]> {
  ops = [];
  for (const e of events) {
    const res = await fn.call(e);
    ops.push(`-> ${res.statusCode} ${res.body}`);
  }
  return ops;
}

const stagingWith = (tokenCacheSeconds: number) => operatorConfig({ targets: { staging: STAGING }, tokenCacheSeconds });
/** The catch-all function's config: no target at all. */
const denyWith = (tokenCacheSeconds: number) => operatorConfig({ targets: {}, tokenCacheSeconds });

describe('operator endpoints: a real target and an unknown name cost the same work', () => {
  it.each([0, 300])('makes the same calls in the same order for a wrong token on a real target and any token on an unknown name (tokenCacheSeconds %i)', async (ttl) => {
    const wrongToken = bearer('tok-guess-0000000000000000000000000000000');
    const real = await trace(operatorSetup('start', stagingWith(ttl)), [0, 1, 2].map(() => post('/instances/staging/start', wrongToken)));
    const unknownOnDeny = await trace(operatorSetup('from-path', denyWith(ttl)), [0, 1, 2].map(() => post('/instances/production/start', wrongToken)));
    const unknownRightToken = await trace(operatorSetup('from-path', denyWith(ttl)), [0, 1, 2].map(() => post('/instances/production/start', bearer(TOKEN))));
    const read = 'ssm:GetParameter decrypt=true';
    const refused = '-> 401 {"message":"unauthorized"}';
    expect(real).toEqual(ttl === 0 ? [read, refused, read, refused, read, refused] : [read, refused, refused, refused]);
    expect(unknownOnDeny).toEqual(real);
    expect(unknownRightToken).toEqual(real);
  });

  it('reads, for an unknown name, only the fixed parameter no role may read: never a name taken from the request', async () => {
    await operatorSetup('from-path', denyWith(0)).call(post('/instances/production/start'));
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: NO_TARGET_PARAMETER, WithDecryption: true }]);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('keeps an entry per name, like a target: a second unknown name is read again, a repeated one is not', async () => {
    const deny = operatorSetup('from-path', denyWith(300));
    for (const name of ['production', 'production', 'billing']) await deny.call(post(`/instances/${name}/start`));
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('gives the same answer on both paths when SSM fails: a throttled read is a 502 for an unknown name too', async () => {
    ssm.reset();
    recordingFakes(() => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const real = await trace(operatorSetup('start', stagingWith(0)), [post('/instances/staging/start', bearer('wrong'))]);
    const unknown = await trace(operatorSetup('from-path', denyWith(0)), [post('/instances/production/start', bearer('wrong'))]);
    expect(real).toEqual(['ssm:GetParameter decrypt=true', expect.stringMatching(/^-> 502 /)]);
    expect(unknown).toEqual(real);
  });

  it('never lets a token through on an unknown name, even if the fixed parameter could be read', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: TOKEN } });
    const res = await operatorSetup('from-path', denyWith(0)).call(post('/instances/production/start', bearer(TOKEN)));
    expect(res.statusCode).toBe(401);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('the catch-all never acts, even on a name its config held as a target with that target\'s token: the same read, then 401', async () => {
    const res = await trace(operatorSetup('from-path', stagingWith(0)), [post('/instances/staging/start', bearer(TOKEN))]);
    expect(res).toEqual(['ssm:GetParameter decrypt=true', '-> 401 {"message":"unauthorized"}']);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('refuses a name that can never be a target (not a well-formed name) without a lookup, and a missing token on either path without one', async () => {
    const deny = operatorSetup('from-path', denyWith(0));
    for (const path of ['/instances/Production/start', '/instances/a%2Fb/start', `/instances/${'x'.repeat(40)}/start`]) expect((await deny.call(post(path))).statusCode).toBe(401);
    expect((await deny.call(post('/instances/production/start', {}))).statusCode).toBe(401);
    expect((await operatorSetup('start', stagingWith(0)).call(post('/instances/staging/start', {}))).statusCode).toBe(401);
    expect(ssm.calls()).toHaveLength(0);
  });
});
