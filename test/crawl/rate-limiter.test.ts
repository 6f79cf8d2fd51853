import { describe, expect, it } from 'vitest';
import { QuotaLane } from '../../src/crawl/lane.js';
import { AdaptiveRateLimiter } from '../../src/crawl/rate-limiter.js';
import { TokenBucket } from '../../src/simulator/token-bucket.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** Issues `n` acquires and records the fake time at which each one is granted. */
function grantTimes(limiter: AdaptiveRateLimiter, clock: FakeClock, n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) void limiter.acquire().then(() => times.push(clock.now()));
  return times;
}

/** The service accepts `perSecond` requests a second for `seconds`. */
async function accepted(limiter: AdaptiveRateLimiter, clock: FakeClock, perSecond: number, seconds = 1) {
  for (let i = 0; i < perSecond * seconds; i++) {
    await clock.advance(1000 / perSecond);
    limiter.onSuccess();
  }
}

interface QuotaRun {
  /** Share of all requests the service answered 429. */
  readonly throttledShare: number;
  /** Requests accepted / what the quota left us over the run. */
  readonly efficiency: number;
  readonly wallMs: number;
  /** The lane's rate when the last call finished. */
  readonly finalRate: number;
}

/**
 * A crawl of `calls` GetFunction calls through a real QuotaLane (its retries and concurrency)
 * against the simulator's token bucket, all on a fake clock: 100 rps quota, `burstSeconds` of
 * bucket, 40 ms per answer, `neighbour(t)` rps spent by another caller, Retry-After as the
 * simulator sends it.
 */
async function crawlAgainstBucket(options: {
  burstSeconds: number;
  neighbour: (ms: number) => number;
  calls: number;
  /** The GetFunction lane's catch-up as the crawler builds it at the quota. @default the lane's default */
  lane?: { burst: number; burstAfterThrottle: number };
}): Promise<QuotaRun> {
  const clock = new FakeClock();
  let seed = 42;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const bucket = new TokenBucket({ rate: 100, burstSeconds: options.burstSeconds, now: () => clock.now() });
  const lane = new QuotaLane({ ratePerSecond: 100, concurrency: 32, clock, random, ...options.lane });
  let requests = 0;
  let throttled = 0;
  const send = async (): Promise<void> => {
    requests++;
    bucket.externalLoad = options.neighbour(clock.now());
    const take = bucket.take();
    await clock.sleep(40);
    if (!take.ok) {
      throttled++;
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
        retryAfterSeconds: String(Math.max(1, Math.ceil(take.waitMs / 1000))),
      });
    }
  };
  const signal = new AbortController().signal;
  let done = 0;
  const all = Promise.all(
    Array.from({ length: options.calls }, () =>
      lane.call(send, signal).then((r) => {
        expect(r.ok).toBe(true);
        done++;
      }),
    ),
  );
  while (done < options.calls) await clock.advance(20);
  await all;
  const wallMs = clock.now();
  // What the quota left us: the integral of (100 - neighbour) over the run, plus the full bucket.
  let left = bucket.capacity;
  for (let t = 0; t < wallMs; t += 10) left += ((100 - options.neighbour(t)) * 10) / 1000;
  const run = {
    throttledShare: throttled / requests,
    efficiency: options.calls / left,
    wallMs,
    finalRate: lane.limiter.rate,
  };
  if (process.env.DEBUG_QUOTA) console.log(JSON.stringify(run)); // DEBUG_QUOTA=1: the numbers in docs/benchmarks.md
  return run;
}

describe('AdaptiveRateLimiter', () => {
  it('spaces requests evenly at the quota from the start', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    const times = grantTimes(limiter, clock, 101);
    await clock.advance(1000);
    expect(times).toHaveLength(101);
    // 100 rps: one every 10 ms, the first one at once.
    expect(times[1]! - times[0]!).toBeCloseTo(10, 5);
    expect(times[100]).toBeCloseTo(1000, 5);
  });

  describe('timer lateness (a busy event loop wakes the limiter late)', () => {
    /** A fake clock whose sleepers all wake `lateMs` late. */
    class LateClock extends FakeClock {
      constructor(readonly lateMs: number) {
        super();
      }
      override sleep(ms: number, signal?: AbortSignal): Promise<void> {
        return super.sleep(ms + this.lateMs, signal);
      }
    }
    const run = async (lateMs: number, burst: number) => {
      const clock = new LateClock(lateMs);
      const limiter = new AdaptiveRateLimiter({ ratePerSecond: 10, burst, clock });
      // The service's bucket: 0.1 s at 15 rps is 1.5 tokens; at 10 rps the same 1.5 tokens.
      const bucket = new TokenBucket({ rate: 10, burstSeconds: 0.15, now: () => clock.now() });
      const times: number[] = [];
      let refused = 0;
      for (let i = 0; i < 51; i++)
        void limiter.acquire().then(() => {
          times.push(clock.now());
          if (!bucket.take().ok) refused++;
        });
      await clock.advance(10_000);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      return { last: times[50]!, minGap: Math.min(...gaps), refused };
    };

    it.each([
      // late, catch-up: on schedule the 50th grant is at 5,000 ms; lateness beyond the catch-up is lost
      [10, 0, 5_500, 110],
      [10, 0.25, 5_010, 100],
      [40, 0.25, 5_775, 115],
      [40, 0, 7_000, 140],
    ])('%d ms late with a catch-up of %d intervals: the last grant at %d ms', async (late, burst, last, minGap) => {
      const r = await run(late, burst);
      expect(r.last).toBeCloseTo(last, 5);
      expect(r.minGap).toBeCloseTo(minGap, 5);
      // Never closer than 0.75 of an interval: a bucket of 1.5 tokens refuses none.
      expect(r.refused).toBe(0);
    });

    it('a whole interval of catch-up sends two back to back after a long wake-up, and a small bucket refuses one', async () => {
      const r = await run(100, 1);
      expect(r.minGap).toBe(0);
      expect(r.refused).toBeGreaterThan(0);
    });
  });

  describe('catch-up at the quota, and after a 429 (burstAfterThrottle)', () => {
    /** A fake clock whose sleepers all wake `lateMs` late (a busy event loop). */
    class LateClock extends FakeClock {
      constructor(readonly lateMs: number) {
        super();
      }
      override sleep(ms: number, signal?: AbortSignal): Promise<void> {
        return super.sleep(ms + this.lateMs, signal);
      }
    }

    /** Grant times of `n` acquires at 100 rps, with the limiter woken 25 ms late every time. */
    async function grants(options: { burst: number; burstAfterThrottle?: number; throttleAt?: number }) {
      const clock = new LateClock(25);
      const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock, ...options });
      const times: number[] = [];
      let throttledAt = Infinity;
      for (let i = 0; i < 400; i++)
        void limiter.acquire().then(() => {
          times.push(clock.now());
          if (times.length === options.throttleAt) limiter.onThrottle((throttledAt = clock.now()));
        });
      await clock.advance(2_000);
      // The grants after the 429 (not those of the same instant, granted before it was known).
      return { times, limiter, after: times.filter((t) => t > throttledAt) };
    }

    it('keeps the quota through timer lateness within its catch-up, never more than burst + 1 back to back', async () => {
      const { times } = await grants({ burst: 4 });
      // On schedule: 100 in the first second, 200 in two (a catch-up of 1 interval loses most of the lateness).
      expect(times.filter((t) => t <= 1_000).length).toBeGreaterThanOrEqual(99);
      const { times: one } = await grants({ burst: 1 });
      expect(one.filter((t) => t <= 1_000).length).toBeLessThan(60);
      // Back to back: at most burst + 1 at one instant.
      const atOnce = Math.max(...times.map((t) => times.filter((u) => u === t).length));
      expect(atOnce).toBeLessThanOrEqual(5);
      expect(atOnce).toBeGreaterThan(1);
    });

    it('after a 429, catches up only burstAfterThrottle: no two requests closer than 0.75 of an interval', async () => {
      const { times, limiter, after } = await grants({ burst: 4, burstAfterThrottle: 0.25, throttleAt: 50 });
      expect(after.length).toBeGreaterThan(20);
      const gaps = after.slice(1).map((t, i) => t - after[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual((0.75 * 1000) / limiter.ceiling);
      // Before it, the catch-up of 4 intervals sent requests together.
      const before = times.slice(0, 50);
      expect(before.some((t, i) => i > 0 && t === before[i - 1])).toBe(true);
    });

    it('without burstAfterThrottle keeps its catch-up after a 429', async () => {
      const { after } = await grants({ burst: 4, throttleAt: 50 });
      expect(after.some((t, i) => i > 0 && t === after[i - 1])).toBe(true);
    });
  });

  it('never exceeds the ceiling while probing upwards', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    for (let i = 0; i < 100; i++) {
      limiter.onSuccess();
      await clock.advance(100);
    }
    expect(limiter.rate).toBe(15);
  });

  it('cuts tentatively on a first 429, once for the requests already in flight', () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    const sentBefore = clock.now();
    limiter.onThrottle(sentBefore);
    limiter.onThrottle(sentBefore);
    limiter.onThrottle();
    expect(limiter.cuts).toBe(1);
    expect(limiter.rate).toBeCloseTo(90, 5);
  });

  it('cuts deep when two requests sent well after the tentative cut are throttled too (someone else uses the quota)', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    const cut = clock.now();
    limiter.onThrottle(cut);
    await clock.advance(30);
    limiter.onThrottle(cut + 20); // sent 20 ms after the cut (under 4 intervals): may be the same clump
    expect(limiter.cuts).toBe(1);
    await clock.advance(50);
    limiter.onThrottle(cut + 60); // sent 60 ms after it, 5 intervals at 90 rps: one may still be a clump
    expect(limiter.cuts).toBe(1);
    expect(limiter.rate).toBeCloseTo(90, 5);
    await clock.advance(10);
    limiter.onThrottle(cut + 70); // and another: the bucket is still empty
    expect(limiter.cuts).toBe(2);
    expect(limiter.rate).toBeCloseTo(60, 5);
    limiter.onThrottle(clock.now()); // in the same episode: no further cut before the measure
    expect(limiter.rate).toBeCloseTo(60, 5);
  });

  it.each([
    ['at the usual round trip: a neighbour, cut deep', 45, 2, 9],
    ['at the usual round trip, but only one: a clump, the cut stays tentative', 45, 1, 13.5],
    ['three times later than the fastest: a stall, the cut stays tentative', 120, 2, 13.5],
  ])('429s for requests sent after the tentative cut, answered %s', async (_, roundTripMs, count, rate) => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    await clock.advance(40);
    limiter.onSuccess(clock.now() - 40); // the fastest answer so far: 40 ms
    const cut = clock.now();
    limiter.onThrottle(cut - 40);
    for (let i = 0; i < count; i++) {
      const sentAt = cut + 300 + 74 * i; // 4 intervals at 13.5 rps after the cut, and the next one
      await clock.advance(sentAt + roundTripMs - clock.now());
      limiter.onThrottle(sentAt);
    }
    expect(limiter.rate).toBeCloseTo(rate, 5);
  });

  it('takes no measure from a request in flight at the cut and answered late (a stall)', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    const cut = clock.now();
    limiter.onThrottle(cut - 5);
    await clock.advance(700); // nothing answered meanwhile
    limiter.onThrottle(cut - 3); // sent before the cut
    expect(limiter.rate).toBeCloseTo(13.5, 5);
    expect(limiter.measured).toBeUndefined();
  });

  it('takes no measure while the requests sent since the cut are still unanswered (a stall)', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    const cut = clock.now();
    limiter.onThrottle(cut);
    await clock.advance(600); // a stall: nothing answered
    limiter.onThrottle(cut + 60); // sent just after the cut, answered 540 ms later
    expect(limiter.rate).toBeCloseTo(13.5, 5);
    expect(limiter.measured).toBeUndefined();
  });

  it('cuts no more than a probe on a lone 429 among answered requests sent since the cut', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    const cut = clock.now();
    limiter.onThrottle(cut);
    for (let i = 0; i < 12; i++) {
      await clock.advance(74);
      limiter.onSuccess(clock.now() - 40);
    }
    limiter.onThrottle(clock.now() - 40); // 1 of 13 sent since the cut
    expect(limiter.cuts).toBe(2);
    expect(limiter.rate).toBeGreaterThanOrEqual(13.5 * 0.95 - 1e-9);
    expect(limiter.measured).toBeUndefined();
  });

  it('goes back to the rate before when a tentative cut sees no further 429 (jitter)', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    limiter.onThrottle(clock.now());
    expect(limiter.rate).toBeCloseTo(13.5, 5);
    await accepted(limiter, clock, 13.5, 1.2);
    expect(limiter.rate).toBeCloseTo(15, 5);
    expect(limiter.measured).toBeUndefined();
  });

  it('settles on the rate accepted while the bucket was empty, not on the burst before it', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    await accepted(limiter, clock, 100, 2); // a 2 s bucket draining: everything accepted
    limiter.onThrottle(); // empty now
    await accepted(limiter, clock, 40, 0.6); // from here on only what is left is accepted
    limiter.onThrottle();
    expect(limiter.measured).toBeCloseTo(40, 0);
    expect(limiter.rate).toBeCloseTo(40 * 0.97, 0);
    expect(limiter.cuts).toBe(2);
  });

  it('goes back half way when the first cut was deeper than what is left', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    limiter.onThrottle(); // 100 -> 60, but 80 are left: no further 429
    await accepted(limiter, clock, 60, 1.2);
    expect(limiter.rate).toBeGreaterThanOrEqual(80);
    expect(limiter.measured).toBeUndefined();
  });

  it('cuts only a little when a probe just above a recent measure is throttled', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    limiter.onThrottle();
    await accepted(limiter, clock, 40, 0.6);
    limiter.onThrottle();
    const settled = limiter.rate;
    await accepted(limiter, clock, 40, 6);
    const probed = limiter.rate;
    expect(probed).toBeGreaterThan(settled);
    limiter.onThrottle();
    expect(limiter.rate).toBeCloseTo(probed * 0.95, 5);
  });

  it('probes slowly just after settling and recovers the quota when the neighbour leaves', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    limiter.onThrottle();
    await accepted(limiter, clock, 40, 0.6);
    limiter.onThrottle();
    const settled = limiter.rate;
    await clock.advance(2000);
    limiter.onSuccess();
    expect(limiter.rate - settled).toBeLessThan(1.5); // ~0.5 %/s: stays just under what is left
    for (let i = 0; i < 150; i++) {
      await clock.advance(100);
      limiter.onSuccess();
    }
    expect(limiter.rate).toBe(100); // 15 s later, back at the quota
  });

  it('rejects a waiter whose signal aborts, and keeps serving the others', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 10, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = expect(limiter.acquire(controller.signal)).rejects.toThrow('stop');
    const other = limiter.acquire();
    controller.abort(new Error('stop'));
    await clock.advance(300);
    await aborted;
    await expect(other).resolves.toBeUndefined();
  });
});

describe('a lane sharing its quota, against the token bucket (fake clock)', () => {
  // 40 of 100 rps left. The bucket's size is not documented: the same goal for every size.
  // 0.04 and 0.4 s of the quota are 0.1 and 1 s of what is left (4 and 40 tokens); the crawler's
  // GetFunction lane catches up 4 intervals until the first 429, a quarter after it.
  for (const burstSeconds of [0.04, 0.1, 0.4, 1, 2]) {
    it(`learns what is left with a ${burstSeconds} s bucket: <= 2 % throttled, >= 0.95 efficiency`, async () => {
      const lane = { burst: 4, burstAfterThrottle: 0.25 };
      const run = await crawlAgainstBucket({ burstSeconds, neighbour: () => 60, calls: 2000, lane });
      expect(run.throttledShare).toBeLessThanOrEqual(0.02);
      expect(run.efficiency).toBeGreaterThanOrEqual(0.95);
      expect(run.efficiency).toBeLessThanOrEqual(1.001); // never more than the bucket can give
    });
  }

  it('learns what is left when the first cut goes below it (80 of 100 left)', async () => {
    const run = await crawlAgainstBucket({ burstSeconds: 1, neighbour: () => 20, calls: 3000 });
    expect(run.throttledShare).toBeLessThanOrEqual(0.02);
    expect(run.efficiency).toBeGreaterThanOrEqual(0.95);
  });

  it('follows a neighbour that comes and goes', async () => {
    // 60 rps from 10 s to 30 s, nothing before and after.
    const neighbour = (ms: number): number => (ms >= 10_000 && ms < 30_000 ? 60 : 0);
    const run = await crawlAgainstBucket({ burstSeconds: 1, neighbour, calls: 4000 });
    expect(run.wallMs).toBeGreaterThan(40_000); // the neighbour came, stayed 20 s and went
    expect(run.throttledShare).toBeLessThanOrEqual(0.02);
    // Climbing back after the neighbour leaves takes a few seconds of probing (about 10 s from 40
    // to 100 rps), so the whole run is a little under what was left.
    expect(run.efficiency).toBeGreaterThanOrEqual(0.85);
    expect(run.finalRate).toBe(100);
  });
});

describe('a lane capped at what is left (--max-rps), against a bucket of 0.1 s of it (fake clock)', () => {
  /**
   * 40 of 100 rps left, the lane capped at 40, a bucket of 4 tokens (0.1 s of what is left), the
   * limiter woken 200 ms late now and then (a busy event loop): the 429s the lane draws.
   */
  async function throttledAt(lane: { burst: number; burstAfterThrottle?: number }) {
    const clock = new FakeClock();
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const late = Object.assign(Object.create(clock) as FakeClock, {
      sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms + (random() < 0.1 ? 200 : 0), signal),
      now: () => clock.now(),
    });
    const bucket = new TokenBucket({ rate: 100, burstSeconds: 0.04, externalLoad: 60, now: () => clock.now() });
    const quota = new QuotaLane({ ratePerSecond: 40, concurrency: 32, clock: late, random, ...lane });
    let throttled = 0;
    const send = async (): Promise<void> => {
      const take = bucket.take();
      await clock.sleep(40);
      if (!take.ok) {
        throttled++;
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 429 },
          retryAfterSeconds: '1',
        });
      }
    };
    const signal = new AbortController().signal;
    let done = 0;
    const all = Promise.all(Array.from({ length: 400 }, () => quota.call(send, signal).then(() => done++)));
    while (done < 400) await clock.advance(20);
    await all;
    return throttled;
  }

  it('draws no 429 with the small catch-up the crawler gives a capped GetFunction lane', async () => {
    expect(await throttledAt({ burst: 0.25 })).toBe(0);
  });

  it('draws 429s with a catch-up of whole intervals (a stall sends requests together)', async () => {
    expect(await throttledAt({ burst: 4 })).toBeGreaterThan(0);
  });
});

describe('TokenBucket', () => {
  it('holds burstSeconds of quota, and refills what the neighbour leaves', () => {
    let now = 0;
    const bucket = new TokenBucket({ rate: 100, burstSeconds: 1, externalLoad: 60, now: () => now });
    let taken = 0;
    while (bucket.take().ok) taken++;
    expect(taken).toBe(100); // a full second of quota at the start
    now += 1000;
    taken = 0;
    while (bucket.take().ok) taken++;
    expect(taken).toBe(40); // then only what is left
    expect(new TokenBucket({ rate: 100 }).capacity).toBe(10); // default 0.1 s
  });
});
