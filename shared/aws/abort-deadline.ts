/**
 * `work`, rejected with the signal's reason as soon as `signal` aborts, even if `work` itself ignores the
 * signal (a client that never answers, a shared promise started for another caller). No signal: `work`.
 */
export function settleOnAbort<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs `work` with an AbortSignal that aborts after `ms` with `expired()` as its reason. What the signal
 * was passed to stops (an SDK `send(command, { abortSignal })` destroys its socket), and the promise
 * rejects with `expired()` at that moment even if `work` ignores the signal, so a call that never
 * answers ends on time.
 */
export async function withAbortDeadline<T>(ms: number, expired: () => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(expired()), ms);
  try {
    return await settleOnAbort(controller.signal, work(controller.signal));
  } finally {
    clearTimeout(timer);
  }
}
