import { answerWarmup, coldStartTracker, isWarmup, MAX_HOLD_MS, warmupMarker } from '../../shared/warmer/is-warmup';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

describe('warmer: the marker contract', () => {
  it('recognises only the opsbots marker', () => {
    expect(isWarmup({ source: 'opsbots.warmer' })).toBe(true);
    expect(isWarmup({ source: 'serverless-plugin-warmup' })).toBe(false);
    expect(isWarmup({ source: 'opsbots.schedule' })).toBe(false);
    expect(isWarmup(null)).toBe(false);
    expect(isWarmup('opsbots.warmer')).toBe(false);
  });

  it('asks for a hold only when a target wants several containers', () => {
    expect(warmupMarker(1, 100)).toEqual({ source: 'opsbots.warmer' });
    expect(warmupMarker(5, 100)).toEqual({ source: 'opsbots.warmer', holdMs: 100 });
    expect(warmupMarker(5, 0)).toEqual({ source: 'opsbots.warmer' });
  });

  it('answers a plain marker at once and holds for holdMs when asked', async () => {
    const [plain, fast] = await timed(() => answerWarmup({ source: 'opsbots.warmer' }, true));
    expect(plain).toEqual({ warmup: true, cold: true });
    expect(fast).toBeLessThan(30);
    const [held, slow] = await timed(() => answerWarmup({ source: 'opsbots.warmer', holdMs: 80 }, false));
    expect(held).toEqual({ warmup: true, cold: false });
    expect(slow).toBeGreaterThanOrEqual(75);
  });

  it('never holds longer than MAX_HOLD_MS, nor on a hold that is not a positive number', async () => {
    jest.useFakeTimers();
    try {
      let done = false;
      const p = answerWarmup({ source: 'opsbots.warmer', holdMs: 3_600_000 }, false).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(MAX_HOLD_MS - 1);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await p;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    const [, ms] = await timed(() => answerWarmup({ source: 'opsbots.warmer', holdMs: '500' }, false));
    expect(ms).toBeLessThan(30);
  });

  it('returns null for any other event so the handler goes on', async () => {
    expect(await answerWarmup({ dryRun: true }, true)).toBeNull();
  });

  it('tracks one cold start per container', () => {
    const wasCold = coldStartTracker();
    expect([wasCold(), wasCold(), wasCold()]).toEqual([true, false, false]);
  });
});
