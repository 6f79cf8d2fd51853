/**
 * A quota lane: one (account, region, quota group). Every attempt, first or retry, waits for the
 * lane's rate limiter and takes one of its in-flight slots, so retries never spend quota behind the
 * limiter's back. Backoff sleeps hold no slot.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { systemClock, type Clock } from './clock.js';
import { AdaptiveRateLimiter } from './rate-limiter.js';
import { classify, defaultRetryPolicy, nextDelay, retryAfterMs, type FailureKind, type RetryPolicy } from './retry.js';

export interface LaneOptions {
  readonly ratePerSecond: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A single attempt is abandoned (and retried) after this long. @default 15000 */
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
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
    this.limiter = new AdaptiveRateLimiter({ ratePerSecond: options.ratePerSecond, clock: this.#clock });
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
      try {
        const value = await this.#limit(async () => {
          await this.limiter.acquire(signal);
          this.stats.requests++;
          return send(AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]));
        });
        this.limiter.onSuccess();
        return { ok: true, value, attempts: attempt };
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const kind = classify(error);
        if (kind === 'throttled') {
          this.stats.throttled++;
          this.limiter.onThrottle();
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
