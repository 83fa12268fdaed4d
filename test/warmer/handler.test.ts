import { mockClient } from 'aws-sdk-client-mock';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaClientFor, warmerHandler, warmerRuntime, WarmerError } from '../../shared/warmer/handler';
import type { TickResult } from '../../shared/warmer/fan-out';
import { Clients } from '../../shared/aws/clients';
import { MemoryLog } from '../../shared/logger';
import { ConfigError } from '../../shared/errors';
import { answer } from './fakes';

const lambda = mockClient(LambdaClient);
const ARN = 'arn:aws:lambda:eu-west-1:210987654321:function:billing-api';
const WARMER = { enabled: true, targets: [{ function: 'iamConsoleMfa', concurrency: 2 }, { arn: ARN, qualifier: 'live' }] };

function handlerWith(warmer: Record<string, unknown> = WARMER) {
  const log = new MemoryLog();
  const env = { OPSBOTS_STAGE: 'prod', OPSBOTS_CONFIG: JSON.stringify({ region: 'us-east-1', warmer }) };
  const handler = warmerHandler(() => warmerRuntime(env, { clients: new Clients({ maxAttempts: 1 }), log }));
  return { handler, log };
}

beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves(answer({ warmup: true, cold: true }));
});

describe('handler seam: warmer', () => {
  it('answers a warm-up itself without invoking anything', async () => {
    const { handler } = handlerWith();
    expect(await handler({ source: 'opsbots.warmer' })).toEqual({ warmup: true, cold: true });
    expect(lambda.calls()).toHaveLength(0);
  });

  it('rejects a malformed event or stage config naming the field, before any call', async () => {
    await expect(handlerWith().handler({ dryRun: 'yes' })).rejects.toThrow(/event: dryRun/);
    await expect(handlerWith().handler({ targets: [] })).rejects.toThrow(/targets: unknown key/);
    await expect(handlerWith({ enabled: true, targets: [{ arn: 'nope' }] }).handler({})).rejects.toThrow(ConfigError);
    expect(lambda.calls()).toHaveLength(0);
  });

  it('invokes the stage\'s deployed functions by name and others by ARN, each in its own region, and logs one line', async () => {
    const { handler, log } = handlerWith();
    const result = (await handler({ source: 'opsbots.schedule' })) as TickResult;
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ FunctionName: 'opsbots-prod-iamConsoleMfa', InvocationType: 'RequestResponse', Payload: '{"source":"opsbots.warmer","holdMs":100}' }),
        expect.objectContaining({ FunctionName: ARN, Qualifier: 'live', Payload: '{"source":"opsbots.warmer"}' }),
      ]),
    );
    expect(calls).toHaveLength(3);
    const regions = await Promise.all(lambda.calls().map((c) => (c.thisValue as LambdaClient).config.region()));
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1', 'us-east-1']);
    expect(result).toMatchObject({ targets: 2, invocations: 3, cold: 3, failures: 0 });
    expect(log.lines).toEqual([{ level: 'info', message: 'warmer tick', data: [expect.objectContaining({ targets: 2, invocations: 3, cold: 3, warm: 0, failures: 0, failed: [] })] }]);
  });

  it('on a dry run returns the plan and invokes nothing', async () => {
    const { handler } = handlerWith();
    const result = (await handler({ dryRun: true })) as TickResult;
    expect(lambda.calls()).toHaveLength(0);
    expect(result.results.map((r) => r.wouldInvoke?.functionName)).toEqual(['opsbots-prod-iamConsoleMfa', ARN]);
  });

  it('fails the invocation when a target fails, after warming the others and logging which one and why', async () => {
    lambda.on(InvokeCommand, { FunctionName: ARN }).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const { handler, log } = handlerWith();
    const error = await handler({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarmerError);
    expect((error as Error).message).toBe(`warmer: 1 of 3 warm-up invocations failed: ${ARN}:live (1/1: AccessDeniedException)`);
    expect((error as WarmerError).result.results[0]).toMatchObject({ status: 'warmed', cold: 2 });
    expect(log.lines).toEqual([{ level: 'error', message: 'warmer tick', data: [expect.objectContaining({ invocations: 3, failures: 1, failed: [{ target: `${ARN}:live`, failures: 1, codes: ['AccessDeniedException'] }] })] }]);
  });

  it('sizes the Lambda client\'s socket pool to the overall bound, so a target\'s calls are not queued behind the SDK default of 50', async () => {
    const Client = lambdaClientFor(300);
    const client = new Client({ region: 'us-east-1', retryMode: 'adaptive', maxAttempts: 1 });
    const handler = client.config.requestHandler as unknown as { configProvider: Promise<{ httpsAgent: { maxSockets: number } }> };
    expect((await handler.configProvider).httpsAgent.maxSockets).toBe(300);
  });
});
