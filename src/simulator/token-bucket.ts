/**
 * Server-side quota: a token bucket refilled at `rate` per second, holding at most `capacity`.
 * A rejected request takes no token, as with a real API's throttle. `externalLoad` models another
 * caller (a deploy pipeline) spending part of the same quota at a steady rate.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly rate: number,
    readonly capacity: number,
    readonly externalLoad = 0,
    readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes a token if one is there; otherwise returns the ms until one will be. */
  take(): { ok: true } | { ok: false; waitMs: number } {
    const now = this.now();
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
