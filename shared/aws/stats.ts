/** Counts AWS requests per service and operation, retries included (from `$metadata.attempts`). */
export class RequestStats {
  private readonly counts = new Map<string, { calls: number; requests: number }>();

  record(service: string, operation: string, attempts: number): void {
    const key = `${service}.${operation}`;
    const entry = this.counts.get(key) ?? { calls: 0, requests: 0 };
    entry.calls += 1;
    entry.requests += Math.max(1, attempts);
    this.counts.set(key, entry);
  }

  /** Rows sorted by service.operation: calls made by the code, requests sent including retries. */
  rows(): { operation: string; calls: number; requests: number }[] {
    return [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, v]) => ({ operation, ...v }));
  }

  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v.requests;
    return n;
  }
}
