/**
 * A quota lane: one (account, region, quota group). Every attempt, first or retry, waits for the
 * lane's rate limiter and takes one of its in-flight slots, so retries never spend quota behind the
 * limiter's back. Backoff sleeps hold no slot.
 *
 * A call may go first (`{ first: true }`): ahead of every waiting call that does not, in the slot
 * queue and at the limiter. The listing's pages do: they feed every other lane of the region, and
 * the reads that share their lane then fill the slots between two pages instead of waiting for
 * the listing to end.
 */
import { systemClock, whenAborted, type Clock } from './clock.js';
import { FirstQueue } from './queue.js';
import { AdaptiveRateLimiter } from './rate-limiter.js';
import { classify, defaultRetryPolicy, nextDelay, retryAfterMs, type FailureKind, type RetryPolicy } from './retry.js';

let markUnderWay: (() => void) | undefined;
const underWay = new Promise<void>((resolve) => (markUnderWay = resolve));

/**
 * Marks this thread's crawl under way: the crawler calls it at the end of a region's listing (see
 * crawler.ts); a lane made with `marksUnderWay` at its first answer. See `crawlUnderWay`.
 */
export function markCrawlUnderWay(): void {
  markUnderWay?.();
  markUnderWay = undefined;
}

/**
 * Resolves once this thread's crawl is under way (`markCrawlUnderWay`: a region's listing is done,
 * so its GetFunction calls are going and the shared lane is free of pages) and a macrotask later,
 * or after `fallbackMs` (a crawl in crawler threads sends none from this one). Reads that load an
 * SDK in this thread (IAM's roles) start after it: loading one takes the event loop for tens to
 * hundreds of ms (seconds on a busy machine). Before the first GetFunction request is written (the
 * SDK's send takes several turns of the event loop after a call is issued) that is all lost, and
 * during the listing it clumps the shared lane's requests (crawler.ts); after it, the GetFunction
 * lane catches part of the stall up (`burst`).
 */
export function crawlUnderWay(fallbackMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // The fallback is for a thread that crawls nothing itself; one whose crawl has started waits for
  // its listing (however long), since a load during the listing is what the wait is for.
  // Unreferenced: a crawl that ends without its mark (aborted) must not keep the process alive.
  const fallback = new Promise<void>((resolve) => {
    const check = (): void => {
      if (crawlStarted) timer = setTimeout(check, fallbackMs).unref();
      else resolve();
    };
    timer = setTimeout(check, fallbackMs).unref();
  });
  return Promise.race([underWay.then(() => new Promise<void>((resolve) => setTimeout(resolve, 0))), fallback]).finally(
    () => clearTimeout(timer),
  );
}

let crawlStarted = false;

/** A crawl has started in this thread: `crawlUnderWay` then waits for its mark, not its fallback. */
export function noteCrawlStarted(): void {
  crawlStarted = true;
}

export interface LaneOptions {
  readonly ratePerSecond: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A single attempt is abandoned (and retried) after this long. @default 15000 */
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** See `RateLimiterOptions.burst`. @default 1 */
  readonly burst?: number;
  /** See `RateLimiterOptions.burstAfterThrottle`. @default `burst` */
  readonly burstAfterThrottle?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Its first answer marks the crawl under way (`markCrawlUnderWay`): the GetFunction lane's. */
  readonly marksUnderWay?: boolean;
}

export interface CallOptions {
  /** Ahead of every waiting call that is not `first` (FIFO among those that are). */
  readonly first?: boolean;
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
  readonly #slots: Slots;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #marksUnderWay: boolean;

  constructor(options: LaneOptions) {
    this.#marksUnderWay = options.marksUnderWay === true;
    this.#clock = options.clock ?? systemClock;
    this.limiter = new AdaptiveRateLimiter({
      ratePerSecond: options.ratePerSecond,
      clock: this.#clock,
      ...(options.burst === undefined ? {} : { burst: options.burst }),
      ...(options.burstAfterThrottle === undefined ? {} : { burstAfterThrottle: options.burstAfterThrottle }),
    });
    this.#slots = new Slots(options.concurrency);
    this.#timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Runs `send` until it succeeds or its failure is final. `send` gets a signal that aborts on the
   * per-attempt timeout or when `signal` (the whole crawl) aborts. A crawl abort rejects.
   */
  async call<T>(
    send: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
    options: CallOptions = {},
  ): Promise<CallResult<T>> {
    const first = options.first === true;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.stats.retries++;
      let sentAt: number | undefined;
      try {
        await this.#slots.take(first);
        let value: T;
        try {
          await this.limiter.acquire(signal, first);
          this.stats.requests++;
          sentAt = this.#clock.now();
          value = await sendOnce(send, signal, this.#timeoutMs);
        } finally {
          this.#slots.release();
        }
        this.limiter.onSuccess(sentAt);
        if (this.#marksUnderWay) markCrawlUnderWay();
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

/** In-flight slots, handed out in arrival order with `first` takers ahead of the rest. */
class Slots {
  #free: number;
  readonly #takers = new FirstQueue<() => void>();

  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`concurrency must be >= 1, got ${size}`);
    this.#free = size;
  }

  take(first: boolean): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#takers.push(resolve, first));
  }

  /** A released slot goes straight to the next taker, so a newcomer never overtakes the queue. */
  release(): void {
    const next = this.#takers.shift();
    if (next) next();
    else this.#free++;
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
