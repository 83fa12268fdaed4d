import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import * as z from 'zod';

const seconds = z.number().positive().max(900);

/**
 * Deadlines (stage `deadlines`, in seconds; fractions allowed, so tests run in milliseconds). Each one ends
 * the request it guards (an AbortSignal handed to the SDK), not only the wait for it.
 */
export const deadlinesSchema = z.strictObject({
  /** The whole run, collection to delivery. In Lambda, the function's remaining time (less a margin) when shorter. Default 280. */
  runSeconds: seconds.default(280),
  /** One source in one region, or one global source. Default 120. */
  sourceSeconds: seconds.default(120),
  /** One HTTP request to AWS (the SDK's requestTimeout; each retry gets its own). Default 20. */
  requestSeconds: seconds.default(20),
  /** One delivery step: the SES send, the state read, the state write. Default 20. */
  deliverySeconds: seconds.default(20),
});
export type DeadlineSettings = z.output<typeof deadlinesSchema>;

export const DEFAULT_DEADLINES: DeadlineSettings = deadlinesSchema.parse({});

/** What a Lambda keeps after the run's budget: logging the report and returning. */
export const LAMBDA_MARGIN_MS = 3_000;

/** Delivery steps after collection (state read, send, state write): collection leaves them this many deliverySeconds. */
const DELIVERY_STEPS = 3;

// The deadline the current async context runs under; Clients hands it to every SDK send made inside it.
const scope = new AsyncLocalStorage<AbortSignal>();

/** The AbortSignal of the innermost deadline around the caller, if any. */
export function currentSignal(): AbortSignal | undefined {
  return scope.getStore();
}

/** Runs `fn` with `signal` as the current deadline (the run budget around remediation, say). */
export function runWithin<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return scope.run(signal, fn);
}

/**
 * Runs `work` under a deadline of `ms` (and `parent`, when it aborts first). Every SDK call made inside
 * gets the deadline's AbortSignal, so the HTTP request and the SDK's retry loop stop when it passes; the
 * promise rejects with `timeout()` at that moment whatever the request does. Leaves no timer behind.
 */
export async function withDeadline<T>(ms: number, parent: AbortSignal | undefined, timeout: () => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // Each request in flight listens on it (and a run's sources on the budget's): many, by design.
  setMaxListeners(0, controller.signal);
  const expire = () => controller.abort(timeout());
  let reject: (e: unknown) => void = () => undefined;
  const expired = new Promise<never>((_, r) => (reject = r));
  const onAbort = () => reject(controller.signal.reason);
  controller.signal.addEventListener('abort', onAbort, { once: true });
  if (parent?.aborted || ms <= 0) expire();
  const timer = setTimeout(expire, Math.max(0, ms));
  timer.unref();
  parent?.addEventListener('abort', expire, { once: true });
  try {
    return await Promise.race([expired, scope.run(controller.signal, () => work(controller.signal))]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', expire);
    // The signal outlives the call (an SDK client keeps the async context its first request ran in): its
    // listener, through the race still waiting on `expired`, would keep the result alive with it.
    controller.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The run's time budget: `runSeconds`, or the Lambda's remaining time less LAMBDA_MARGIN_MS when that is
 * shorter. Collection and remediation must end DELIVERY_STEPS x deliverySeconds before it (`workSignal`),
 * so the report is still delivered when sources hang; `signal` aborts at the very end. dispose() clears
 * both timers.
 */
export class RunBudget {
  private readonly work = new AbortController();
  private readonly whole = new AbortController();
  private readonly timers: NodeJS.Timeout[];
  private readonly endsAt: number;
  private readonly reserveMs: number;

  constructor(
    readonly settings: DeadlineSettings = DEFAULT_DEADLINES,
    remainingMs?: number,
  ) {
    const ms = Math.max(0, Math.min(settings.runSeconds * 1000, remainingMs === undefined ? Infinity : remainingMs - LAMBDA_MARGIN_MS));
    this.reserveMs = Math.min(ms, DELIVERY_STEPS * settings.deliverySeconds * 1000);
    this.endsAt = performance.now() + ms;
    const at = (c: AbortController, after: number) => {
      const t = setTimeout(() => c.abort(new Error(`run budget of ${duration(ms)} spent`)), after);
      t.unref();
      return t;
    };
    this.timers = [at(this.work, ms - this.reserveMs), at(this.whole, ms)];
    // Every source and region in flight listens on these two: many listeners are expected, not a leak
    // (Node would otherwise print a MaxListenersExceededWarning on stderr).
    setMaxListeners(0, this.work.signal, this.whole.signal);
  }

  /** Aborts when collection and remediation must stop (delivery's share of the budget is left). */
  get workSignal(): AbortSignal {
    return this.work.signal;
  }

  /** Aborts when the whole budget is spent. */
  get signal(): AbortSignal {
    return this.whole.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  /** Time one source (in one region) may take now: sourceSeconds, within what collection has left. */
  sourceMs(): number {
    return Math.max(0, Math.min(this.settings.sourceSeconds * 1000, this.remainingMs() - this.reserveMs));
  }

  /** Time one delivery step may take now: deliverySeconds, within the run. */
  deliveryMs(): number {
    return Math.min(this.settings.deliverySeconds * 1000, this.remainingMs());
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
  }
}

/** "120 s", "1.5 s", "50 ms" */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}
