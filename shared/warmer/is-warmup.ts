/** The one marker payload the warmer sends; every handler checks it first and returns at once. */
export const WARMUP_SOURCE = 'opsbots.warmer';

export function isWarmup(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { source?: unknown }).source === WARMUP_SOURCE;
}

export interface WarmupResponse {
  readonly warmup: true;
  /** Whether this container was cold (first invocation since init). */
  readonly cold: boolean;
}

/**
 * The shared first line of every handler: on the warmer's marker, answer (touching no AWS API) and say
 * whether this container was cold; otherwise null and the handler goes on.
 */
export async function answerWarmup(event: unknown, wasCold: boolean): Promise<WarmupResponse | null> {
  if (!isWarmup(event)) return null;
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
