import { setTimeout as sleep } from 'node:timers/promises';
import { mapWeighted } from '../shared/concurrency';

describe('concurrency: mapWeighted', () => {
  it('keeps the input order and never holds more weight than the capacity', async () => {
    let held = 0;
    let peak = 0;
    const weights = [3, 1, 4, 1, 5, 2, 2];
    const out = await mapWeighted(weights, 6, (w) => w, async (w, i) => {
      held += w;
      peak = Math.max(peak, held);
      await sleep(5 + (i % 3));
      held -= w;
      return `${i}:${w}`;
    });
    expect(out).toEqual(weights.map((w, i) => `${i}:${w}`));
    expect(peak).toBeLessThanOrEqual(6);
    expect(peak).toBeGreaterThanOrEqual(5);
  });

  it('runs an item heavier than the capacity alone instead of never', async () => {
    const running: number[] = [];
    const seen: number[][] = [];
    await mapWeighted([1, 10, 1], 4, (w) => w, async (w) => {
      running.push(w);
      seen.push([...running]);
      await sleep(5);
      running.splice(running.indexOf(w), 1);
    });
    expect(seen.find((s) => s.includes(10))).toEqual([10]);
  });

  it('resolves an empty list and rejects when an item rejects', async () => {
    expect(await mapWeighted([], 3, () => 1, async () => 1)).toEqual([]);
    await expect(mapWeighted([1, 2], 3, () => 1, async (x) => (x === 2 ? Promise.reject(new Error('no')) : x))).rejects.toThrow('no');
  });
});
