import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../../src/crawl/rate-limiter.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** Issues `n` acquires and records the fake time at which each one is granted. */
function grantTimes(limiter: AdaptiveRateLimiter, clock: FakeClock, n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) void limiter.acquire().then(() => times.push(clock.now()));
  return times;
}

/** The service accepts `perSecond` requests a second for one second. */
async function accepted(limiter: AdaptiveRateLimiter, clock: FakeClock, perSecond: number): Promise<void> {
  for (let i = 0; i < perSecond; i++) {
    await clock.advance(1000 / perSecond);
    limiter.onSuccess();
  }
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

  it('never exceeds the ceiling while probing upwards', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock });
    for (let i = 0; i < 100; i++) {
      limiter.onSuccess();
      await clock.advance(100);
    }
    expect(limiter.rate).toBe(15);
  });

  it('cuts to what the service accepted on a 429, once per cooldown', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    await accepted(limiter, clock, 40);
    limiter.onThrottle();
    expect(limiter.rate).toBeCloseTo(38, 0);
    // Requests already in flight come back throttled too; they must not cut again.
    limiter.onThrottle();
    limiter.onThrottle();
    expect(limiter.cuts).toBe(1);
    expect(limiter.rate).toBeCloseTo(38, 0);
  });

  it('cuts harder when still throttled right after a cut', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    await accepted(limiter, clock, 100); // the measure says "all of it"
    limiter.onThrottle();
    expect(limiter.rate).toBeCloseTo(95, 0);
    await clock.advance(600);
    limiter.onThrottle();
    expect(limiter.rate).toBeLessThanOrEqual(95 * 0.8 + 0.5);
  });

  it('cuts by a fixed factor when too little has been seen to measure', () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    limiter.onThrottle();
    expect(limiter.rate).toBeCloseTo(70, 5);
  });

  it('probes slowly just after a cut and recovers the quota when the neighbour leaves', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 100, clock });
    await accepted(limiter, clock, 40);
    limiter.onThrottle();
    const afterCut = limiter.rate;
    await clock.advance(2000);
    limiter.onSuccess();
    expect(limiter.rate - afterCut).toBeLessThan(1.5); // ~0.5 %/s: settles just under what is left
    for (let i = 0; i < 300; i++) {
      await clock.advance(100);
      limiter.onSuccess();
    }
    expect(limiter.rate).toBe(100); // 30 s later, back at the quota
  });

  it('rejects a waiter whose signal aborts, and keeps serving the others', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 10, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const other = limiter.acquire();
    controller.abort(new Error('stop'));
    await clock.advance(300);
    await expect(aborted).rejects.toThrow('stop');
    await expect(other).resolves.toBeUndefined();
  });
});

describe('AdaptiveRateLimiter after an idle spell', () => {
  it('measures what is left only over the time requests have been waiting', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ratePerSecond: 15, clock, burst: 0 });
    // A second with two requests (the listing), then a queue of requests: the idle second is no measure.
    await accepted(limiter, clock, 2);
    const times = grantTimes(limiter, clock, 20);
    await clock.advance(400);
    expect(times.length).toBeGreaterThanOrEqual(6); // granted so far, at 15 rps; the rest still wait
    for (let i = 0; i < times.length; i++) limiter.onSuccess();
    limiter.onThrottle();
    // Measured over the 400 ms of waiting (~7 accepted: ~17 rps), not over the last second (~9 rps).
    expect(limiter.rate).toBeGreaterThan(13);
  });
});
