/**
 * One piece of work per key at a time within this container: a caller asking for a key whose work is
 * still running gets that work's promise instead of starting it again. The key is free again once the
 * work settles (success or failure), so nothing is cached beyond the call.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): { readonly promise: Promise<T>; readonly joined: boolean } {
    const running = this.running.get(key);
    if (running) return { promise: running, joined: true };
    const promise = work().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return { promise, joined: false };
  }

  get size(): number {
    return this.running.size;
  }
}
