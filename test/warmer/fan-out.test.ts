import { warm, type WarmOptions } from '../../shared/warmer/fan-out';
import type { PlannedTarget } from '../../shared/warmer/plan';
import { parseActiveHours, type ActiveHours } from '../../shared/warmer/active-hours';
import { answer, delay, FakeLambda } from './fakes';

const target = (name: string, concurrency = 1, over: Partial<PlannedTarget> = {}): PlannedTarget => ({ label: name, functionName: `opsbots-test-${name}`, region: 'us-east-1', concurrency, ...over });

function options(fake: FakeLambda, targets: PlannedTarget[], over: Partial<WarmOptions> = {}): WarmOptions {
  return { targets, invoker: fake.invoker, now: new Date('2026-11-20T08:00:00Z'), holdMs: 0, timeoutMs: 1000, concurrency: 250, dryRun: false, ...over };
}

describe('warmer: fan-out', () => {
  it('invokes each target `concurrency` times at once with RequestResponse and the marker', async () => {
    const fake = new FakeLambda();
    const result = await warm(options(fake, [target('a', 3), target('b', 1, { qualifier: 'live' })], { holdMs: 100 }));
    expect(fake.calls).toHaveLength(4);
    expect(fake.peakByFunction.get('opsbots-test-a')).toBe(3);
    expect(fake.calls.every((c) => c.InvocationType === 'RequestResponse')).toBe(true);
    // The hold rides along only where several containers are wanted.
    expect(new Set(fake.calls.filter((c) => c.FunctionName === 'opsbots-test-a').map((c) => c.Payload))).toEqual(new Set(['{"source":"opsbots.warmer","holdMs":100}']));
    expect(fake.calls.find((c) => c.FunctionName === 'opsbots-test-b')).toMatchObject({ Qualifier: 'live', Payload: '{"source":"opsbots.warmer"}' });
    expect(result).toMatchObject({ targets: 2, invocations: 4, failures: 0, skipped: 0 });
  });

  it('warms targets side by side but never more calls in flight than the bound, one target\'s calls always together', async () => {
    const fake = new FakeLambda(20);
    const targets = Array.from({ length: 10 }, (_, i) => target(`t${i}`, 3));
    const result = await warm(options(fake, targets, { concurrency: 7 }));
    expect(fake.calls).toHaveLength(30);
    expect(fake.peak).toBe(6); // two targets of 3 fit in 7, a third does not
    for (const t of targets) expect(fake.peakByFunction.get(t.functionName)).toBe(3);
    expect(result.invocations).toBe(30);
  });

  it('invokes a function of another region through that region\'s client', async () => {
    const fake = new FakeLambda();
    await warm(options(fake, [target('x', 1, { functionName: 'arn:aws:lambda:eu-west-1:210987654321:function:x', region: 'eu-west-1' })]));
    expect(fake.calls[0]).toMatchObject({ region: 'eu-west-1', FunctionName: 'arn:aws:lambda:eu-west-1:210987654321:function:x' });
  });

  it('counts cold containers on the first tick and warm ones on the next, per the targets\' own answers', async () => {
    const fake = new FakeLambda();
    const targets = [target('a', 3), target('b', 2)];
    expect(await warm(options(fake, targets))).toMatchObject({ invocations: 5, cold: 5, warm: 0, unknown: 0 });
    expect(fake.containerCount('opsbots-test-a:')).toBe(3);
    expect(await warm(options(fake, targets))).toMatchObject({ invocations: 5, cold: 0, warm: 5 });
    expect(fake.containerCount('opsbots-test-a:')).toBe(3);
  });

  it('counts an answer without the warm-up shape (a function of another stack) as unknown, not as cold or failed', async () => {
    const fake = new FakeLambda(1, async () => answer('ok'));
    expect(await warm(options(fake, [target('foreign', 2)]))).toMatchObject({ cold: 0, warm: 0, unknown: 2, failures: 0 });
  });

  it('reports a failing, a timing-out and an erroring target while the others are still warmed', async () => {
    const signals: AbortSignal[] = [];
    const fake = new FakeLambda(5, (call, signal) => {
      if (call.FunctionName === 'opsbots-test-missing') return Promise.reject(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));
      // Ignores the abort signal: the timeout must hold without the client's help.
      if (call.FunctionName === 'opsbots-test-slow') return signals.push(signal as AbortSignal), delay(400, answer({}));
      if (call.FunctionName === 'opsbots-test-broken') return Promise.resolve(answer({ errorMessage: 'boom', errorType: 'Error' }, { FunctionError: 'Unhandled' }));
      return undefined;
    });
    const targets = [target('missing'), target('slow', 2), target('broken'), target('fine', 2)];
    const started = Date.now();
    const result = await warm(options(fake, targets, { timeoutMs: 150 }));
    expect(Date.now() - started).toBeLessThan(400);
    expect(signals.map((x) => x.aborted)).toEqual([true, true]);
    expect(result).toMatchObject({ invocations: 6, failures: 4, cold: 2 });
    const by = Object.fromEntries(result.results.map((r) => [r.target, r]));
    expect(by.missing).toMatchObject({ status: 'failed', failures: [{ kind: 'invoke-error', code: 'ResourceNotFoundException', message: 'Function not found' }] });
    expect(by.slow).toMatchObject({ status: 'failed', failures: [{ kind: 'timeout', code: 'Timeout' }, { kind: 'timeout' }] });
    expect(by.broken).toMatchObject({ status: 'failed', failures: [{ kind: 'function-error', code: 'Unhandled', message: 'boom' }] });
    expect(by.fine).toMatchObject({ status: 'warmed', cold: 2, failures: [] });
  });

  it('marks a target partial when only some of its calls fail', async () => {
    let n = 0;
    const fake = new FakeLambda(1, () => (++n === 2 ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' })) : undefined));
    const result = await warm(options(fake, [target('a', 3)]));
    expect(result.results[0]).toMatchObject({ status: 'partial', invocations: 3, cold: 2, failures: [{ code: 'TooManyRequestsException' }] });
  });

  it('skips a target outside its active hours and warms the one inside', async () => {
    const fake = new FakeLambda();
    const office = parseActiveHours('Mon-Fri 07:00-19:00 Europe/Berlin') as ActiveHours;
    const night = new Date('2026-11-20T22:00:00Z'); // Friday 23:00 in Berlin
    const result = await warm(options(fake, [target('office', 2, { activeHours: office }), target('always')], { now: night }));
    expect(fake.calls.map((c) => c.FunctionName)).toEqual(['opsbots-test-always']);
    expect(result).toMatchObject({ targets: 2, skipped: 1, invocations: 1 });
    expect(result.results[0]).toMatchObject({ target: 'office', status: 'skipped', invocations: 0, reason: 'outside activeHours Mon-Fri 07:00-19:00 Europe/Berlin' });
  });

  it('on a dry run lists what would be invoked and invokes nothing', async () => {
    const fake = new FakeLambda();
    const result = await warm(options(fake, [target('a', 3, { qualifier: 'live' })], { dryRun: true, holdMs: 100 }));
    expect(fake.calls).toHaveLength(0);
    expect(result).toMatchObject({ dryRun: true, invocations: 0 });
    expect(result.results[0]).toMatchObject({
      status: 'planned',
      wouldInvoke: { functionName: 'opsbots-test-a', region: 'us-east-1', qualifier: 'live', concurrency: 3, payload: '{"source":"opsbots.warmer","holdMs":100}' },
    });
  });
});
