/**
 * One quota group's pacing: spaces requests evenly at `rate` per second and adapts `rate` to what
 * the service actually accepts.
 *
 * Why not the SDK's adaptive mode: it starts unlimited and only learns the limit from 429s, so it
 * spends its first seconds throttled and then recovers conservatively (measured in
 * docs/benchmarks.md). Lambda's control-plane quotas are documented and fixed, so we start at the
 * quota, and a 429 then means someone else is using part of it.
 *
 * On a 429 the rate is cut to 95 % of the rate the service accepted over the last second (what is
 * really left for us), at least 5 % (20 % when throttled again right after a cut) and at most once
 * per cooldown, because the requests already in flight will be throttled too and must not cut
 * again. Between cuts the rate probes upwards, slowly at first (0.5 %/s) and doubling every 4 s,
 * so a crawl sharing its quota settles just under what is left, and one whose neighbour went away
 * climbs back to the quota within seconds.
 */
import { systemClock, type Clock } from './clock.js';

export interface RateLimiterOptions {
  /** The ceiling: the documented quota, or `--max-rps` when lower. */
  readonly ratePerSecond: number;
  /**
   * How far behind schedule (in request intervals) the limiter may catch up, so timer lateness
   * does not lower the rate; also the most requests that go back to back after an idle spell.
   * @default 1
   */
  readonly burst?: number;
  /** The rate is never cut below this. @default 0.5 */
  readonly minRatePerSecond?: number;
  /** After a cut, further 429s within this window do not cut again. @default 500 */
  readonly cutCooldownMs?: number;
  readonly clock?: Clock;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
}

const WINDOW_MS = 1000;
const PROBE_DOUBLING_MS = 4000;

export class AdaptiveRateLimiter {
  readonly ceiling: number;
  #rate: number;
  readonly #burst: number;
  readonly #min: number;
  readonly #cooldown: number;
  readonly #clock: Clock;
  readonly #startedAt: number;
  #next: number;
  #waiters: Waiter[] = [];
  #pumping = false;
  #lastCut = -Infinity;
  #lastRaise: number;
  /** Timestamps of accepted requests in the last WINDOW_MS, oldest first. */
  #accepted: number[] = [];
  #cuts = 0;
  /** Since when requests have been waiting without a break; undefined while none waits. */
  #busySince: number | undefined;

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${options.ratePerSecond}`);
    this.ceiling = options.ratePerSecond;
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst ?? 1;
    this.#min = Math.min(options.minRatePerSecond ?? 0.5, options.ratePerSecond);
    this.#cooldown = options.cutCooldownMs ?? 500;
    this.#clock = options.clock ?? systemClock;
    this.#startedAt = this.#clock.now();
    this.#next = this.#startedAt;
    this.#lastRaise = this.#startedAt;
  }

  get rate(): number {
    return this.#rate;
  }

  get cuts(): number {
    return this.#cuts;
  }

  /** Waits for this request's turn. FIFO; rejects if `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      this.#busySince ??= this.#clock.now();
      this.#waiters.push({ resolve, reject, signal });
      void this.#pump();
    });
  }

  /** The service accepted a request. */
  onSuccess(): void {
    const now = this.#clock.now();
    this.#accepted.push(now);
    this.#trimWindow(now);
    this.#raise(now);
  }

  /** The service answered 429. */
  onThrottle(): void {
    const now = this.#clock.now();
    this.#raise(now);
    if (now - this.#lastCut < this.#cooldown) return;
    this.#trimWindow(now);
    // What the service accepted is only a measure of what is left while we were asking for more:
    // a lane that idled (GetPolicy before the first page, the shared lane during the listing)
    // would otherwise read its own idleness as the quota and cut far below it.
    // (With nothing waiting now, the whole window counts.)
    const from = Math.max(this.#startedAt, this.#busySince ?? -Infinity, now - WINDOW_MS);
    const observed =
      now - from >= WINDOW_MS / 4 ? (this.#accepted.filter((t) => t >= from).length * 1000) / (now - from) : undefined;
    // Still throttled soon after a cut: the last measure was too generous (a full bucket at the
    // start inflates it), so cut harder.
    const again = now - this.#lastCut < this.#cooldown * 3;
    const target = observed === undefined ? this.#rate * 0.7 : observed * 0.95;
    this.#rate = Math.max(this.#min, Math.min(this.#rate * (again ? 0.8 : 0.95), target));
    this.#lastCut = now;
    this.#lastRaise = now;
    this.#cuts++;
  }

  #raise(now: number): void {
    const dt = (now - this.#lastRaise) / 1000;
    this.#lastRaise = now;
    if (dt <= 0 || this.#rate >= this.ceiling) return;
    const sinceCut = Number.isFinite(this.#lastCut) ? now - this.#lastCut : Infinity;
    const fraction = Math.min(1, 0.005 * 2 ** (sinceCut / PROBE_DOUBLING_MS));
    const slope = Math.max(0.5, this.#rate * fraction);
    this.#rate = Math.min(this.ceiling, this.#rate + slope * dt);
  }

  #trimWindow(now: number): void {
    let drop = 0;
    while (drop < this.#accepted.length && (this.#accepted[drop] ?? now) < now - WINDOW_MS) drop++;
    if (drop > 0) this.#accepted.splice(0, drop);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.length > 0) {
        const waiter = this.#waiters[0];
        if (!waiter) break;
        if (waiter.signal?.aborted) {
          this.#waiters.shift();
          if (this.#waiters.length === 0) this.#busySince = undefined;
          waiter.reject(waiter.signal.reason);
          continue;
        }
        const now = this.#clock.now();
        const interval = 1000 / this.#rate;
        // Slots follow the schedule, not the wake-up time, so timer lateness does not lower the
        // rate; an idle spell earns at most `burst` extra back-to-back requests.
        const slot = Math.max(this.#next, now - interval * this.#burst);
        if (slot > now + 0.5) {
          await this.#clock.sleep(slot - now).catch(() => undefined);
          continue;
        }
        this.#waiters.shift();
        if (this.#waiters.length === 0) this.#busySince = undefined;
        this.#next = slot + interval;
        waiter.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }
}
