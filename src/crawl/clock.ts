/** Time as the crawler sees it; tests pass a fake one. */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const timer = setTimeout(
        () => {
          forget();
          resolve();
        },
        Math.max(0, ms),
      );
      const forget = signal
        ? whenAborted(signal, (reason) => {
            clearTimeout(timer);
            reject(reason);
          })
        : () => {};
    }),
};

const inFlight = new WeakMap<AbortSignal, Set<(reason: Error) => void>>();

/**
 * Calls `onAbort` with the reason when `signal` aborts (at once if it has); the returned function
 * forgets it. One listener per signal, however many attempts wait on it: an EventTarget scans its
 * listeners on every add and remove, and a crawl of hundreds of account-regions has thousands of
 * attempts in flight on the one crawl signal. The reason is typed as what an abort gives (an Error
 * or a DOMException).
 */
export function whenAborted(signal: AbortSignal, onAbort: (reason: Error) => void): () => void {
  if (signal.aborted) {
    onAbort(signal.reason as Error);
    return () => {};
  }
  const waiters = waitersOf(signal);
  waiters.add(onAbort);
  return () => void waiters.delete(onAbort);
}

/** The signal's waiters, and its one listener that calls them, made on first use. */
function waitersOf(signal: AbortSignal): Set<(reason: Error) => void> {
  const known = inFlight.get(signal);
  if (known) return known;
  const waiters = new Set<(reason: Error) => void>();
  inFlight.set(signal, waiters);
  signal.addEventListener(
    'abort',
    () => {
      for (const f of waiters) f(signal.reason as Error);
      waiters.clear();
    },
    { once: true },
  );
  return waiters;
}
