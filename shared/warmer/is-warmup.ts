import { setTimeout as sleep } from 'node:timers/promises';

/** The one marker payload the warmer sends; every handler checks it first and returns at once. */
export const WARMUP_SOURCE = 'opsbots.warmer';

/** The longest a warm-up answer ever waits, whatever the payload asks (a marker cannot pin a container). */
export const MAX_HOLD_MS = 1000;

/** The marker: `{"source":"opsbots.warmer"}`, plus `holdMs` when the warmer wants several containers at once. */
export interface WarmupMarker {
  readonly source: typeof WARMUP_SOURCE;
  readonly holdMs?: number;
}

export function isWarmup(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { source?: unknown }).source === WARMUP_SOURCE;
}

/** The marker for a target warmed `concurrency` times at once: the hold only matters (and costs) when > 1. */
export function warmupMarker(concurrency: number, holdMs: number): WarmupMarker {
  return concurrency > 1 && holdMs > 0 ? { source: WARMUP_SOURCE, holdMs } : { source: WARMUP_SOURCE };
}

function holdOf(event: object): number {
  const hold = (event as { holdMs?: unknown }).holdMs;
  return typeof hold === 'number' && Number.isFinite(hold) && hold > 0 ? Math.min(hold, MAX_HOLD_MS) : 0;
}

export interface WarmupResponse {
  readonly warmup: true;
  /** Whether this container was cold (first invocation since init). */
  readonly cold: boolean;
}

/**
 * The shared first line of every handler: on the warmer's marker, answer (touching no AWS API) and say
 * whether this container was cold; otherwise null and the handler goes on. A marker with `holdMs` keeps
 * the container busy that long (at most MAX_HOLD_MS) so the warmer's parallel calls land on separate ones.
 */
export async function answerWarmup(event: unknown, wasCold: boolean): Promise<WarmupResponse | null> {
  if (!isWarmup(event)) return null;
  const hold = holdOf(event as object);
  if (hold > 0) await sleep(hold);
  return { warmup: true, cold: wasCold };
}

/** A module-level cold flag for one handler: true on the first call of a container only. */
export function coldStartTracker(): () => boolean {
  let cold = true;
  return () => {
    const was = cold;
    cold = false;
    return was;
  };
}
