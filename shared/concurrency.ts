/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * `fn` should capture its own errors (collectors do): a rejection here rejects the whole map.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * Like mapLimit, but each item holds `weight(item)` of `capacity` slots while it runs (say, a group of calls
 * that must be in flight together). Items start in input order as soon as their weight fits; an item heavier
 * than `capacity` runs alone. Results keep the input order; a rejection rejects the whole map.
 */
export function mapWeighted<T, R>(items: readonly T[], capacity: number, weight: (item: T) => number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  return new Promise((resolve, reject) => {
    let free = Math.max(1, capacity);
    let next = 0;
    let running = 0;
    const pump = (): void => {
      while (next < items.length) {
        const i = next;
        const item = items[i] as T;
        const w = Math.min(Math.max(1, weight(item)), Math.max(1, capacity));
        if (w > free) break;
        next++;
        free -= w;
        running++;
        Promise.resolve()
          .then(() => fn(item, i))
          .then((r) => {
            results[i] = r;
            free += w;
            running--;
            pump();
          }, reject);
      }
      if (next >= items.length && running === 0) resolve(results);
    };
    pump();
  });
}
