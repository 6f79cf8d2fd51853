import { describe, expect, it } from 'vitest';
import { crawlUnderWay, QuotaLane } from '../../src/crawl/lane.js';
import { FakeClock } from '../helpers/fake-clock.js';

// First in the file: the first answer is the thread's, once.
describe('crawlUnderWay: the reads that load an SDK of their own wait for the crawl to start', () => {
  const settled = (p: Promise<void>, ms: number) =>
    Promise.race([p.then(() => 'resolved'), new Promise((r) => setTimeout(() => r('pending'), ms))]);

  it("waits for the GetFunction lane's first answer, not for its first request nor another lane's answer", async () => {
    const waiting = crawlUnderWay(60_000);
    expect(await settled(waiting, 30)).toBe('pending');
    // The listing's lane (not marking): its answer does not count.
    const listing = new QuotaLane({ ratePerSecond: 1000, concurrency: 1 });
    await listing.call(() => Promise.resolve(), new AbortController().signal);
    expect(await settled(waiting, 30)).toBe('pending');
    const lane = new QuotaLane({ ratePerSecond: 1000, concurrency: 1, marksUnderWay: true });
    let answer: (() => void) | undefined;
    const call = lane.call(() => new Promise<void>((resolve) => (answer = resolve)), new AbortController().signal);
    await new Promise((r) => setTimeout(r, 10));
    expect(answer).toBeDefined(); // sent
    expect(await settled(waiting, 30)).toBe('pending');
    answer?.();
    await call;
    expect(await settled(waiting, 1000)).toBe('resolved');
    // Later waiters go at once (a macrotask later).
    expect(await settled(crawlUnderWay(60_000), 1000)).toBe('resolved');
  });
});

describe('QuotaLane, calls that go first', () => {
  /**
   * A lane of 2 slots at 10 rps on a fake clock, answers after 50 ms. Six calls are queued, then
   * the `first` ones: the order in which their requests go out.
   */
  async function sendOrder(firsts: readonly string[]): Promise<string[]> {
    const clock = new FakeClock();
    const lane = new QuotaLane({ ratePerSecond: 10, concurrency: 2, clock });
    const signal = new AbortController().signal;
    const order: string[] = [];
    const call = (label: string, first = false) =>
      lane.call(
        async () => {
          order.push(label);
          await clock.sleep(50);
          return label;
        },
        signal,
        { first },
      );
    const calls = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((label) => call(label));
    calls.push(...firsts.map((label) => call(label, true)));
    await clock.advance(2_000);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.ok)).toBe(true);
    return order;
  }

  it('a first call goes ahead of every waiting call, at the slots and at the limiter', async () => {
    // n1 is sent at once and n2 holds the other slot, waiting at the limiter: the listing page
    // takes n1's slot when it is answered and goes at the next turn, ahead of n2.
    expect(await sendOrder(['page'])).toEqual(['n1', 'page', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('first calls keep their own order', async () => {
    expect(await sendOrder(['p1', 'p2'])).toEqual(['n1', 'p1', 'p2', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('without first calls the lane is FIFO', async () => {
    expect(await sendOrder([])).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('keeps the order of a long queue (a whole listing waiting for one slot)', async () => {
    const clock = new FakeClock();
    const lane = new QuotaLane({ ratePerSecond: 1e6, concurrency: 1, clock });
    const signal = new AbortController().signal;
    const order: number[] = [];
    const calls = Array.from({ length: 3000 }, (_, i) =>
      lane.call(
        () => {
          order.push(i);
          return Promise.resolve(i);
        },
        signal,
        { first: i % 1000 === 999 },
      ),
    );
    await clock.advance(10);
    await Promise.all(calls);
    // Call 0 takes the slot at once; 999, 1999 and 2999 go first as they arrive, ahead of the
    // rest, which keep their order.
    const firsts = [999, 1999, 2999];
    expect(order.slice(0, 4)).toEqual([0, ...firsts]);
    expect(order.slice(4)).toEqual(
      Array.from({ length: 3000 }, (_, i) => i).filter((i) => i !== 0 && !firsts.includes(i)),
    );
  });
});
