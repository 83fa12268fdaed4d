import { LambdaClient } from '@aws-sdk/client-lambda';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { warm, type Invoker } from '../../shared/warmer/fan-out';
import type { PlannedTarget } from '../../shared/warmer/plan';
import { warmerSchema } from '../../shared/warmer/config';

const TARGETS = 50;
const CONCURRENCY = 5;
const LATENCY_MS = 50;
const ANSWER = '{"warmup":true,"cold":false}';

interface Stub {
  readonly name: string;
  readonly invoker: Invoker;
  readonly stats: { calls: number; inFlight: number; peak: number };
}

/** Counts calls in flight around a `latencyMs` wait. */
function latency(stats: Stub['stats'], latencyMs: number) {
  return async <T>(value: () => T): Promise<T> => {
    stats.calls++;
    stats.peak = Math.max(stats.peak, ++stats.inFlight);
    await sleep(latencyMs);
    stats.inFlight--;
    return value();
  };
}

/** `send` itself answers after the latency: the fan-out's own cost only. */
function stubSend(latencyMs: number): Stub {
  const stats = { calls: 0, inFlight: 0, peak: 0 };
  const wait = latency(stats, latencyMs);
  const payload = new TextEncoder().encode(ANSWER) as never;
  return { name: 'stub send', stats, invoker: { send: () => wait(() => ({ $metadata: {}, StatusCode: 200, Payload: payload })) } };
}

/** A real LambdaClient (serialisation, signing, parsing) whose HTTP handler answers after the latency. */
function stubHttp(latencyMs: number): Stub {
  const stats = { calls: 0, inFlight: 0, peak: 0 };
  const wait = latency(stats, latencyMs);
  const requestHandler = { handle: () => wait(() => ({ response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from(ANSWER)]) } })) };
  const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, requestHandler });
  return { name: 'SDK client', stats, invoker: client };
}

/** One warmer tick, 50 targets x concurrency 5, against a stubbed Lambda with 50 ms latency: about one latency, not 250. */
export async function benchWarmer(opts: { print: (s: string) => void }): Promise<number> {
  const defaults = warmerSchema.parse({});
  const targets: PlannedTarget[] = Array.from({ length: TARGETS }, (_, i) => ({ label: `fn${i}`, functionName: `opsbots-bench-fn${i}`, region: 'us-east-1', concurrency: CONCURRENCY }));
  const runs: [Stub, number][] = [
    [stubSend(LATENCY_MS), defaults.concurrency],
    [stubHttp(LATENCY_MS), defaults.concurrency],
    [stubSend(LATENCY_MS), 100],
  ];
  for (const [stub, bound] of runs) {
    const tick = (t: readonly PlannedTarget[]) => warm({ targets: t, invoker: () => stub.invoker, now: new Date(), holdMs: defaults.holdMs, timeoutMs: defaults.timeoutMs, concurrency: bound, dryRun: false });
    await tick(targets.slice(0, 1)); // client init (credentials, endpoint) belongs to the cold start, not to a tick
    Object.assign(stub.stats, { calls: 0, peak: 0 });
    const start = performance.now();
    const result = await tick(targets);
    const ms = performance.now() - start;
    opts.print(
      `${stub.name.padEnd(10)} ${TARGETS} targets x ${CONCURRENCY} = ${result.invocations} calls  bound=${String(bound).padStart(3)}  latency=${LATENCY_MS} ms  tick=${ms.toFixed(0).padStart(4)} ms (${(ms / LATENCY_MS).toFixed(1)} latencies; one at a time: ${stub.stats.calls * LATENCY_MS} ms)  peak in flight=${stub.stats.peak}  failures=${result.failures}`,
    );
  }
  return 0;
}
