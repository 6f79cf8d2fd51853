/**
 * One quota group's pacing: spaces requests evenly at `rate` per second and adapts `rate` to what
 * the service actually accepts.
 *
 * Why not the SDK's adaptive mode: it starts unlimited and only learns the limit from 429s, so it
 * spends its first seconds throttled and then recovers conservatively (measured in
 * docs/benchmarks.md). Lambda's control-plane quotas are documented and fixed, so we start at the
 * quota, and a 429 then means someone else is using part of it.
 *
 * What is left is measured only while the service's bucket is known to be empty. Before the first
 * 429 the bucket may hold up to a few seconds of quota (its size is not documented), so "what was
 * accepted in the last second" overstates what is left by the burst. A 429 proves the bucket is
 * empty: from then on every accepted request is one token refilled, so the accepted rate between
 * that 429 and a later one (at least `measureMs` apart) is exactly what is left, whatever the
 * bucket size. So a 429 starts an episode: the rate is cut multiplicatively first, and a further
 * 429 once the measuring window has passed settles the rate at 97 % of the accepted rate measured since the episode
 * began. An episode that sees no further 429 for a second ends without a measure: a deep cut went
 * below what is left, so the rate goes back half way to where it was; either way the rate the 429
 * stopped becomes the edge, so the next 429 near it is a probe, cut only a little.
 *
 * How deep the first cut goes depends on what the 429 can mean. Near the last known edge it is a
 * probe, cut to 95 %. Otherwise the first cut is tentative, to 90 %: at a bucket holding about one
 * request (Lambda's 15 rps quotas hold little burst), two requests that arrive close together
 * (network or event-loop jitter, many crawls on one machine) draw a 429 at a rate the quota allows,
 * and cutting such a crawl deep costs it seconds of climbing back. What the lane sends after the
 * cut tells them apart (the lane reports when each request was sent):
 * - two 429s for requests sent at least 4 intervals after the cut, with at least 10 % of those
 *   sent since throttled, mean the bucket is still empty at 90 %: someone else is using the quota,
 *   and the cut goes deep (to 60 % of the rate before); one alone may still be a clump;
 * - a 429 for a request sent before the cut (answered late, as after a stall) says nothing;
 * - a 429 answered more than twice as late as the fastest accepted request does not deepen the
 *   cut: the event loop stalled around it, and a stall sends requests together;
 * - a measure needs 5 answers to requests sent since the cut and 10 % of them throttled; with
 *   fewer throttled, the bucket did not stay empty, and the rate is cut no more than a probe's;
 * - a tentative cut that sees no further 429 for a second was jitter: the rate goes back.
 *
 * Between episodes the rate probes upwards, slowly at first (0.5 %/s) and doubling every 2 s, so a
 * crawl sharing its quota stays just under what is left, and one whose neighbour went away climbs
 * back to the quota within seconds. The 429s of requests already in flight at a cut do not cut
 * again (`cutCooldownMs`).
 */
import { systemClock, type Clock } from './clock.js';
import { FirstQueue } from './queue.js';

export interface RateLimiterOptions {
  /** The ceiling: the documented quota, or `--max-rps` when lower. */
  readonly ratePerSecond: number;
  /**
   * How far behind schedule (in request intervals) the limiter may catch up, so timer lateness
   * does not lower the rate; also the most requests that go back to back after an idle spell.
   * @default 1
   */
  readonly burst?: number;
  /**
   * The catch-up (as `burst`) once the service has answered a 429: its bucket is then known to be
   * shared or small, and a catch-up pair drawn from it would be throttled. @default `burst`
   */
  readonly burstAfterThrottle?: number;
  /** The rate is never cut below this. @default 0.5 */
  readonly minRatePerSecond?: number;
  /** After a cut, further 429s within this window do not cut again. @default 500 */
  readonly cutCooldownMs?: number;
  /** How long an episode measures the accepted rate before a 429 may settle it. @default 500 */
  readonly measureMs?: number;
  readonly clock?: Clock;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
}

/** From a 429 (the service's bucket is empty) until the rate is settled on a measure. */
interface Episode {
  readonly start: number;
  /** The rate before the episode's cut. */
  readonly before: number;
  /** A deep cut (the rate goes back half way at a quiet end) rather than a shallow one after a probe. */
  deep: boolean;
  /** A first cut that may have been jitter: deepened by a 429 for a request sent after it. */
  tentative: boolean;
  /** Requests accepted since `start`: each is one token refilled. */
  accepted: number;
  /** Of the requests sent after `start` (when the lane says when it sent them): accepted, and throttled. */
  acceptedAfter: number;
  throttledAfter: number;
  /** 429s so far that would deepen a tentative cut (see `ESCALATE_AFTER_429S`). */
  escalations: number;
  lastThrottle: number;
}

const PROBE_DOUBLING_MS = 2000;
/** The slowest probe (requests/s gained per second), so a rate near the minimum still climbs. */
const PROBE_FLOOR = 0.05;
/** First cut on a 429 with nothing measured recently, until a later request proves it too shallow. */
const TENTATIVE_CUT = 0.9;
/** Cut once a request sent after the tentative cut is throttled too: deep enough to stop most 429s at once. */
const DEEP_CUT = 0.6;
/**
 * A 429 for a request sent this many intervals after a tentative cut deepens it: the requests
 * sent just after the cut may still arrive in the clump (a stall) that drew the first 429.
 */
const ESCALATE_AFTER_INTERVALS = 4;
/**
 * 429s sent that long after a tentative cut (and not answered late) that deepen it. One was enough
 * until a trace of 40 account-regions on one thread showed single ones in the first second, from
 * requests that the two busy event loops (crawler and service) had bunched up: each such deep cut
 * cost its account-region 1-1.5 s. A neighbour's 429s keep coming, so the second one follows soon;
 * and a measure settles the rate whatever this count.
 */
const ESCALATE_AFTER_429S = 2;
/** Answers to requests sent since the cut that a measure needs. */
const MIN_MEASURE_ANSWERS = 5;
/**
 * A 429 answered this many times later than the fastest accepted request is a stall's: the event
 * loop was busy around it (40 crawls listing at once in their first second, measured in
 * docs/benchmarks.md), and requests then reach the service's small bucket together. It does not
 * deepen a tentative cut; a neighbour's 429s come back at the usual round trip, and a measure
 * still settles the rate if the bucket stays empty.
 */
const LATE_ANSWER_FACTOR = 2;
/** Below this share of 429s among the requests sent since a cut, a 429 is no measure of what is left. */
const MIN_THROTTLED_SHARE = 0.1;
/** Cut on a 429 while probing just above a recent measure. */
const SHALLOW_CUT = 0.95;
/** Settle this far under the measured rate, so the probe, not the throttle, finds the edge. */
const SETTLE = 0.97;
/** An episode with no 429 for this long ends without a measure. */
const EPISODE_QUIET_MS = 1000;
/** A measure is trusted for shallow cuts this long. */
const MEASURE_TTL_MS = 15_000;

export class AdaptiveRateLimiter {
  readonly ceiling: number;
  #rate: number;
  readonly #burst: number;
  readonly #burstAfterThrottle: number;
  #throttled = false;
  readonly #min: number;
  readonly #cooldown: number;
  readonly #measureMs: number;
  readonly #clock: Clock;
  #next: number;
  readonly #waiters = new FirstQueue<Waiter>();
  #pumping = false;
  #lastCut = -Infinity;
  #lastRaise: number;
  #episode: Episode | undefined;
  #measured: { readonly rate: number; readonly at: number } | undefined;
  /** Where the edge was last found: the measure, or the rate a single 429 stopped. */
  #edge: { readonly rate: number; readonly at: number } | undefined;
  #cuts = 0;
  /** The shortest round trip of an accepted request (sent to answered), once one is known. */
  #fastest: number | undefined;

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${options.ratePerSecond}`);
    this.ceiling = options.ratePerSecond;
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst ?? 1;
    this.#burstAfterThrottle = options.burstAfterThrottle ?? this.#burst;
    this.#min = Math.min(options.minRatePerSecond ?? 0.5, options.ratePerSecond);
    this.#cooldown = options.cutCooldownMs ?? 500;
    this.#measureMs = options.measureMs ?? 500;
    this.#clock = options.clock ?? systemClock;
    this.#next = this.#clock.now();
    this.#lastRaise = this.#next;
  }

  get rate(): number {
    return this.#rate;
  }

  get cuts(): number {
    return this.#cuts;
  }

  /** The last rate measured while the service's bucket was empty, if any. */
  get measured(): number | undefined {
    return this.#measured?.rate;
  }

  /**
   * Waits for this request's turn: FIFO, with `first` requests ahead of every waiting one that is
   * not. Rejects if `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal, first = false): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject, signal }, first);
      void this.#pump();
    });
  }

  /** The service accepted a request sent at `sentAt` (the clock's time, when known). */
  onSuccess(sentAt?: number): void {
    const now = this.#clock.now();
    if (sentAt !== undefined) this.#fastest = Math.min(this.#fastest ?? Infinity, now - sentAt);
    const episode = this.#endQuietEpisode(now);
    if (!episode) return this.#raise(now);
    episode.accepted++;
    if (sentAt !== undefined && sentAt > episode.start) episode.acceptedAfter++;
  }

  /**
   * The service answered 429 to a request sent at `sentAt` (the clock's time; unknown: sent before
   * any cut, as the requests in flight at a cut were).
   */
  onThrottle(sentAt = -Infinity): void {
    const now = this.#clock.now();
    this.#throttled = true;
    const episode = this.#endQuietEpisode(now);
    if (episode) {
      episode.lastThrottle = now;
      const elapsed = now - episode.start;
      const sentAfter = sentAt > episode.start;
      if (sentAfter) episode.throttledAfter++;
      // In flight at the cut (answered late, as after a stall): it says nothing of the rate since.
      else if (Number.isFinite(sentAt)) return;
      // Sent at the tentative rate and still throttled: not jitter, someone else uses the quota.
      const sentSince = episode.acceptedAfter + episode.throttledAfter;
      const weak = sentAfter && episode.throttledAfter < MIN_THROTTLED_SHARE * sentSince;
      const late = this.#fastest !== undefined && now - sentAt > LATE_ANSWER_FACTOR * this.#fastest;
      if (
        episode.tentative &&
        !weak &&
        !late &&
        sentAt - episode.start >= (ESCALATE_AFTER_INTERVALS * 1000) / this.#rate &&
        ++episode.escalations >= ESCALATE_AFTER_429S
      ) {
        episode.tentative = false;
        episode.deep = true;
        this.#rate = this.#clamp(Math.min(this.#rate, episode.before * DEEP_CUT));
        this.#cutAt(now);
        return;
      }
      if (elapsed < this.#measureMs) return; // in flight before the cut, or too soon to measure
      // Too few answers to requests sent since the cut (the rest still in flight, as in a stall):
      // the accepted count would measure the stall, not what is left.
      if (sentAfter && sentSince < MIN_MEASURE_ANSWERS) return;
      // Still throttled after a measuring window: the bucket stayed empty, so the accepted count
      // is what was refilled, i.e. what is left for us. Unless few of the requests sent since the
      // cut were throttled: then the bucket did not stay empty (a lone 429 among answered ones,
      // two arrivals close together after a stall), the count is only what we happened to send,
      // and the rate is cut no more than a probe's.
      const left = (episode.accepted * 1000) / elapsed;
      if (weak) {
        this.#edge = { rate: this.#rate, at: now };
        this.#rate = this.#clamp(Math.min(this.#rate, Math.max(left * SETTLE, this.#rate * SHALLOW_CUT)));
      } else {
        this.#measured = { rate: left, at: now };
        this.#edge = this.#measured;
        this.#rate = this.#clamp(Math.min(this.#rate, left * SETTLE));
      }
      this.#episode = undefined;
      this.#cutAt(now);
      return;
    }
    this.#raise(now);
    if (now - this.#lastCut < this.#cooldown) return;
    const edge = this.#edge;
    const probing = edge !== undefined && now - edge.at < MEASURE_TTL_MS && this.#rate <= edge.rate * 1.15;
    this.#episode = {
      start: now,
      before: this.#rate,
      deep: false,
      tentative: !probing,
      accepted: 0,
      acceptedAfter: 0,
      throttledAfter: 0,
      escalations: 0,
      lastThrottle: now,
    };
    this.#rate = this.#clamp(this.#rate * (probing ? SHALLOW_CUT : TENTATIVE_CUT));
    this.#cutAt(now);
  }

  #cutAt(now: number): void {
    this.#lastCut = now;
    this.#lastRaise = now;
    this.#cuts++;
  }

  #clamp(rate: number): number {
    return Math.max(this.#min, Math.min(this.ceiling, rate));
  }

  /** Ends the episode if it saw no 429 for a while: the cut went below what is left. */
  #endQuietEpisode(now: number): Episode | undefined {
    const episode = this.#episode;
    if (!episode || now - episode.lastThrottle < EPISODE_QUIET_MS) return episode;
    this.#episode = undefined;
    // Accepted at least this much while the bucket may have been refilling: a lower bound.
    const lower = (episode.accepted * 1000) / (now - episode.start);
    if (episode.tentative) this.#rate = this.#clamp(Math.max(this.#rate, episode.before));
    else if (episode.deep) this.#rate = this.#clamp(Math.max(this.#rate, lower, (this.#rate + episode.before) / 2));
    this.#lastRaise = now;
    // What is left is a little under where the 429 came: a 429 near there again is a probe.
    this.#edge = { rate: episode.before, at: now };
    return undefined;
  }

  #raise(now: number): void {
    const dt = (now - this.#lastRaise) / 1000;
    this.#lastRaise = now;
    if (dt <= 0 || this.#rate >= this.ceiling) return;
    const sinceCut = Number.isFinite(this.#lastCut) ? now - this.#lastCut : Infinity;
    const fraction = Math.min(1, 0.005 * 2 ** (sinceCut / PROBE_DOUBLING_MS));
    const slope = Math.max(PROBE_FLOOR, this.#rate * fraction);
    this.#rate = Math.min(this.ceiling, this.#rate + slope * dt);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.length > 0) {
        const waiter = this.#waiters.peek();
        if (!waiter) break;
        if (waiter.signal?.aborted) {
          this.#waiters.shift();
          waiter.reject(waiter.signal.reason);
          continue;
        }
        const now = this.#clock.now();
        const interval = 1000 / this.#rate;
        // Slots follow the schedule, not the wake-up time, so timer lateness does not lower the
        // rate; an idle spell earns at most `burst` extra back-to-back requests.
        const burst = this.#throttled ? this.#burstAfterThrottle : this.#burst;
        const slot = Math.max(this.#next, now - interval * burst);
        if (slot > now + 0.5) {
          await this.#clock.sleep(slot - now).catch(() => undefined);
          continue;
        }
        this.#waiters.shift();
        this.#next = slot + interval;
        waiter.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }
}
