import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { currentSignal, withDeadline } from '../shared/deadline';

// jest gives no --expose-gc: turn it on for a fresh context and take its gc().
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether `make()`'s value is garbage-collected once the caller drops it, while `keep` holds what it was given. */
async function collectedAfter(make: () => Promise<object>): Promise<boolean> {
  let collected = false;
  const registry = new FinalizationRegistry<string>(() => (collected = true));
  await (async () => registry.register(await make(), 'result'))();
  for (let i = 0; i < 10 && !collected; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 1));
  }
  return collected;
}

describe('withDeadline and memory', () => {
  it('leaves its result collectable when the deadline signal outlives the call (an SDK client keeps the context of its first request)', async () => {
    const outliving: AbortSignal[] = [];
    const collected = await collectedAfter(() =>
      withDeadline(60_000, undefined, () => new Error('late'), async () => {
        outliving.push(currentSignal()!);
        return { records: Array.from({ length: 1000 }, (_, i) => ({ id: `r-${i}` })) };
      }),
    );
    expect(outliving).toHaveLength(1);
    expect(collected).toBe(true);
  });
});
