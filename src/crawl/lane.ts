/**
 * A quota lane: one (account, region, quota group). Every attempt, first or retry, waits for the
 * lane's rate limiter and takes one of its in-flight slots, so retries never spend quota behind the
 * limiter's back. Backoff sleeps hold no slot.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { systemClock, whenAborted, type Clock } from './clock.js';
import { AdaptiveRateLimiter } from './rate-limiter.js';
import { classify, defaultRetryPolicy, nextDelay, retryAfterMs, type FailureKind, type RetryPolicy } from './retry.js';

export interface LaneOptions {
  readonly ratePerSecond: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A single attempt is abandoned (and retried) after this long. @default 15000 */
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** See `RateLimiterOptions.burst`. @default 1 */
  readonly burst?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
}

export interface LaneStats {
  requests: number;
  throttled: number;
  retries: number;
}

export type CallResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly kind: FailureKind; readonly error: unknown; readonly attempts: number };

export class QuotaLane {
  readonly limiter: AdaptiveRateLimiter;
  readonly stats: LaneStats = { requests: 0, throttled: 0, retries: 0 };
  readonly #limit: LimitFunction;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: LaneOptions) {
    this.#clock = options.clock ?? systemClock;
    this.limiter = new AdaptiveRateLimiter({
      ratePerSecond: options.ratePerSecond,
      clock: this.#clock,
      ...(options.burst === undefined ? {} : { burst: options.burst }),
    });
    this.#limit = pLimit(options.concurrency);
    this.#timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Runs `send` until it succeeds or its failure is final. `send` gets a signal that aborts on the
   * per-attempt timeout or when `signal` (the whole crawl) aborts. A crawl abort rejects.
   */
  async call<T>(send: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<CallResult<T>> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.stats.retries++;
      let sentAt: number | undefined;
      try {
        const value = await this.#limit(async () => {
          await this.limiter.acquire(signal);
          this.stats.requests++;
          sentAt = this.#clock.now();
          return sendOnce(send, signal, this.#timeoutMs);
        });
        this.limiter.onSuccess(sentAt);
        return { ok: true, value, attempts: attempt };
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const kind = classify(error);
        if (kind === 'throttled') {
          this.stats.throttled++;
          this.limiter.onThrottle(sentAt);
        }
        const delay = nextDelay(
          kind,
          attempt,
          this.#retry,
          kind === 'throttled' ? retryAfterMs(error) : undefined,
          this.#random,
        );
        if (delay === undefined) return { ok: false, kind, error, attempts: attempt };
        await this.#clock.sleep(delay, signal);
      }
    }
  }
}

/**
 * One attempt: `send` gets a signal that aborts on the crawl's abort or after `timeoutMs`, and the
 * attempt rejects then even if `send` does not honour it.
 *
 * Why not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 a combined signal that
 * only the request holds can be garbage-collected before its timeout fires, and a request to a
 * server that never answers then hangs the crawl (seen with the simulator's stall fault). A timer
 * and a controller held by this closure cannot be collected early.
 */
async function sendOnce<T>(
  send: (signal: AbortSignal) => Promise<T>,
  outer: AbortSignal,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      // The reason is the crawl's own abort reason or the timeout's DOMException, as the SDK would throw.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrowing the signal's reason as is
      reject(controller.signal.reason);
    };
  });
  const abort = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
    onAbort?.();
  };
  const forget = whenAborted(outer, abort);
  const timer = setTimeout(
    () => abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  try {
    return await Promise.race([send(controller.signal), aborted]);
  } finally {
    clearTimeout(timer);
    forget();
  }
}
