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
