import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Invoker } from '../../shared/warmer/fan-out';
import { answerWarmup, coldStartTracker } from '../../shared/warmer/is-warmup';

export type Call = InvokeCommand['input'] & { region: string };
type Behaviour = (call: Call, signal?: AbortSignal) => Promise<InvokeCommandOutput>;

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)) as InvokeCommandOutput['Payload'];
export const answer = (body: unknown, extra: Partial<InvokeCommandOutput> = {}): InvokeCommandOutput => ({ $metadata: {}, StatusCode: 200, Payload: encode(body), ...extra });

/** Resolves after `ms`, or rejects like the SDK when the signal aborts first. */
export function delay<T>(ms: number, value: T, signal?: AbortSignal): Promise<T> {
  return sleep(ms, value, { signal }).catch(() => {
    throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  });
}

/**
 * A Lambda service stand-in: each function has containers; a call takes an idle one or starts a new
 * (cold) one, runs the real answerWarmup in it (hold included) plus `latencyMs`, then frees it.
 * `behave` overrides the answer per call (errors, timeouts, foreign functions).
 */
export class FakeLambda {
  readonly calls: Call[] = [];
  inFlight = 0;
  peak = 0;
  readonly peakByFunction = new Map<string, number>();
  private readonly inFlightByFunction = new Map<string, number>();
  private readonly containers = new Map<string, { busy: boolean; wasCold: () => boolean }[]>();

  constructor(
    private readonly latencyMs = 5,
    private readonly behave?: (call: Call, signal?: AbortSignal) => Promise<InvokeCommandOutput> | undefined,
  ) {}

  containerCount(fn: string): number {
    return this.containers.get(fn)?.length ?? 0;
  }

  invoker = (region: string): Invoker => ({ send: (command, options) => this.send({ ...command.input, region }, options?.abortSignal) });

  private readonly run: Behaviour = async (call, signal) => {
    const key = `${call.FunctionName}:${call.Qualifier ?? ''}`;
    const pool = this.containers.get(key) ?? [];
    this.containers.set(key, pool);
    let c = pool.find((x) => !x.busy);
    if (!c) {
      c = { busy: false, wasCold: coldStartTracker() };
      pool.push(c);
    }
    c.busy = true;
    try {
      const body = await answerWarmup(JSON.parse(String(call.Payload)), c.wasCold());
      return await delay(this.latencyMs, answer(body), signal);
    } finally {
      c.busy = false;
    }
  };

  private async send(call: Call, signal?: AbortSignal): Promise<InvokeCommandOutput> {
    this.calls.push(call);
    const fn = String(call.FunctionName);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    const mine = (this.inFlightByFunction.get(fn) ?? 0) + 1;
    this.inFlightByFunction.set(fn, mine);
    this.peakByFunction.set(fn, Math.max(this.peakByFunction.get(fn) ?? 0, mine));
    try {
      return await (this.behave?.(call, signal) ?? this.run(call, signal));
    } finally {
      this.inFlight--;
      this.inFlightByFunction.set(fn, (this.inFlightByFunction.get(fn) ?? 1) - 1);
    }
  }
}
