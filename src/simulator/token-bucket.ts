/**
 * Server-side quota: a token bucket refilled at `rate` per second, holding `burstSeconds` of quota.
 * A rejected request takes no token, as with a real API's throttle. `externalLoad` models another
 * caller (a deploy pipeline) spending part of the same quota at a steady rate; it may change while
 * the bucket is in use (a neighbour that comes and goes).
 */
export interface TokenBucketOptions {
  /** Tokens added per second: the quota. */
  readonly rate: number;
  /**
   * Bucket size in seconds of quota: how long a caller may go at twice the rate after an idle spell.
   * Lambda does not document its own; the simulator's default is small. @default 0.1
   */
  readonly burstSeconds?: number;
  /** Requests per second another caller spends from the same quota. @default 0 */
  readonly externalLoad?: number;
  /** Milliseconds on a monotonic scale. @default performance.now */
  readonly now?: () => number;
}

export class TokenBucket {
  readonly rate: number;
  /** The most tokens the bucket holds (at least one). */
  readonly capacity: number;
  externalLoad: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions) {
    this.rate = options.rate;
    this.capacity = Math.max(1, options.rate * (options.burstSeconds ?? 0.1));
    this.externalLoad = options.externalLoad ?? 0;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.capacity;
    this.#last = this.#now();
  }

  /** Takes a token if one is there; otherwise returns the ms until one will be. */
  take(): { ok: true } | { ok: false; waitMs: number } {
    const now = this.#now();
    const refill = this.rate - this.externalLoad;
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) / 1000) * refill);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: refill > 0 ? ((1 - this.#tokens) / refill) * 1000 : 1000 };
  }
}
