import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { mapWeighted } from '../concurrency';
import { errorCode, errorMessage, OpsbotsError } from '../errors';
import { isActive } from './active-hours';
import { warmupMarker } from './is-warmup';
import type { PlannedTarget } from './plan';

/** The part of a Lambda client the warmer uses (a LambdaClient, or a stub in tests and the bench). */
export interface Invoker {
  send(command: InvokeCommand, options?: { abortSignal?: AbortSignal }): Promise<InvokeCommandOutput>;
}

export const FAILURE_KINDS = ['timeout', 'invoke-error', 'function-error'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface InvokeFailure {
  readonly kind: FailureKind;
  /** SDK error name, or Lambda's FunctionError (`Unhandled`). */
  readonly code: string;
  readonly message: string;
}

export interface TargetResult {
  readonly target: string;
  /** `planned` on a dry run; `skipped` outside activeHours; otherwise how the invocations went. */
  readonly status: 'warmed' | 'partial' | 'failed' | 'skipped' | 'planned';
  readonly invocations: number;
  readonly cold: number;
  readonly warm: number;
  /** Answers without the warm-up shape (a function of another stack that does not report cold starts). */
  readonly unknown: number;
  readonly failures: readonly InvokeFailure[];
  readonly reason?: string;
  /** On a dry run: the call that would be made, `concurrency` times at once. */
  readonly wouldInvoke?: { readonly functionName: string; readonly region: string; readonly qualifier?: string; readonly concurrency: number; readonly payload: string };
}

export interface TickResult {
  readonly dryRun: boolean;
  readonly at: string;
  readonly targets: number;
  readonly skipped: number;
  readonly invocations: number;
  readonly cold: number;
  readonly warm: number;
  readonly unknown: number;
  readonly failures: number;
  readonly durationMs: number;
  readonly results: readonly TargetResult[];
}

export interface WarmOptions {
  readonly targets: readonly PlannedTarget[];
  /** The client for a region (Lambda invokes in the function's own region). */
  readonly invoker: (region: string) => Invoker;
  readonly now: Date;
  /** Marker hold for targets with concurrency > 1. */
  readonly holdMs: number;
  readonly timeoutMs: number;
  /** Invocations in flight at once over all targets; one target's calls always start together. */
  readonly concurrency: number;
  readonly dryRun: boolean;
}

/** One warm-up invocation did not answer in time. */
export class WarmTimeout extends OpsbotsError {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

type Answer = { ok: true; cold: boolean | null } | { ok: false; failure: InvokeFailure };

function decode(payload: Uint8Array | undefined): unknown {
  if (!payload || payload.length === 0) return null;
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return null; // a non-JSON answer is a function of another stack; it still warmed a container
  }
}

/** One RequestResponse call, bounded by `timeoutMs` even if the client ignores the abort signal. */
async function invokeOnce(invoker: Invoker, t: PlannedTarget, payload: string, timeoutMs: number): Promise<Answer> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new WarmTimeout(timeoutMs));
    }, timeoutMs);
  });
  try {
    const command = new InvokeCommand({ FunctionName: t.functionName, InvocationType: 'RequestResponse', Payload: payload, ...(t.qualifier ? { Qualifier: t.qualifier } : {}) });
    const out = await Promise.race([invoker.send(command, { abortSignal: abort.signal }), timeout]);
    const body = decode(out.Payload);
    if (out.FunctionError) {
      const message = (body as { errorMessage?: unknown } | null)?.errorMessage;
      return { ok: false, failure: { kind: 'function-error', code: out.FunctionError, message: typeof message === 'string' ? message : 'the function failed' } };
    }
    const answer = body as { warmup?: unknown; cold?: unknown } | null;
    return { ok: true, cold: answer?.warmup === true && typeof answer.cold === 'boolean' ? answer.cold : null };
  } catch (error) {
    if (error instanceof WarmTimeout) return { ok: false, failure: { kind: 'timeout', code: 'Timeout', message: error.message } };
    return { ok: false, failure: { kind: 'invoke-error', code: errorCode(error), message: errorMessage(error) } };
  } finally {
    clearTimeout(timer);
  }
}

const empty = { invocations: 0, cold: 0, warm: 0, unknown: 0, failures: [] } as const;

const payloadFor = (o: WarmOptions, t: PlannedTarget): string => JSON.stringify(warmupMarker(t.concurrency, o.holdMs));

async function warmTarget(o: WarmOptions, t: PlannedTarget): Promise<TargetResult> {
  const payload = payloadFor(o, t);
  const answers = await Promise.all(Array.from({ length: t.concurrency }, () => invokeOnce(o.invoker(t.region), t, payload, o.timeoutMs)));
  const failures = answers.flatMap((a) => (a.ok ? [] : [a.failure]));
  const ok = answers.flatMap((a) => (a.ok ? [a.cold] : []));
  return {
    target: t.label,
    status: failures.length === 0 ? 'warmed' : ok.length === 0 ? 'failed' : 'partial',
    invocations: answers.length,
    cold: ok.filter((c) => c === true).length,
    warm: ok.filter((c) => c === false).length,
    unknown: ok.filter((c) => c === null).length,
    failures,
  };
}

/**
 * One tick: every target inside its activeHours is invoked `concurrency` times at once (RequestResponse,
 * so that many containers are really held), targets side by side within the overall bound. A failure or
 * timeout is counted on its target and never stops the others. A dry run lists the plan and invokes nothing.
 */
export async function warm(o: WarmOptions): Promise<TickResult> {
  const started = performance.now();
  const due = o.targets.map((t) => !t.activeHours || isActive(t.activeHours, o.now));
  const run = o.targets.filter((_, i) => due[i]);
  const warmed = o.dryRun ? [] : await mapWeighted(run, o.concurrency, (t) => t.concurrency, (t) => warmTarget(o, t));
  let next = 0;
  const results: TargetResult[] = o.targets.map((t, i) => {
    if (!due[i]) return { target: t.label, status: 'skipped', ...empty, reason: `outside activeHours ${t.activeHours?.expression ?? ''}` };
    if (!o.dryRun) return warmed[next++] as TargetResult;
    const wouldInvoke = { functionName: t.functionName, region: t.region, ...(t.qualifier ? { qualifier: t.qualifier } : {}), concurrency: t.concurrency, payload: payloadFor(o, t) };
    return { target: t.label, status: 'planned', ...empty, wouldInvoke };
  });
  const sum = (f: (r: TargetResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    dryRun: o.dryRun,
    at: o.now.toISOString(),
    targets: o.targets.length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    invocations: sum((r) => r.invocations),
    cold: sum((r) => r.cold),
    warm: sum((r) => r.warm),
    unknown: sum((r) => r.unknown),
    failures: sum((r) => r.failures.length),
    durationMs: Math.round(performance.now() - started),
    results,
  };
}
