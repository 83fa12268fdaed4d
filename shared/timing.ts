import type { Phase } from './report';

/** Wall time per phase in ms (one decimal), as `--stats` prints and the handler logs it. */
export type Timings = Partial<Record<Phase, number>>;

/** Milliseconds (one decimal) since `start`, a performance.now() reading. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** Runs `fn`, recording its wall time under `phase` in `timings` (also when it throws). */
export async function timed<T>(timings: Timings, phase: Phase, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[phase] = elapsedMs(start);
  }
}
