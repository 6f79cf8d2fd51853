import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { systemClock, whenAborted } from '../../src/crawl/clock.js';

describe('whenAborted', () => {
  it('keeps one listener on the signal for any number of waiters, and calls those not forgotten once', () => {
    const controller = new AbortController();
    const called: number[] = [];
    const forgets = Array.from({ length: 1000 }, (_, i) => whenAborted(controller.signal, () => called.push(i)));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const forget of forgets.slice(0, 998)) forget();
    const reason = new Error('stop');
    let seen: unknown;
    whenAborted(controller.signal, (r) => (seen = r));
    controller.abort(reason);
    controller.abort(new Error('again'));
    expect(called).toEqual([998, 999]);
    expect(seen).toBe(reason);
  });

  it('calls at once for a signal already aborted', () => {
    const reason = new Error('gone');
    let seen: unknown;
    whenAborted(AbortSignal.abort(reason), (r) => (seen = r));
    expect(seen).toBe(reason);
  });

  it('rejects a sleep with the reason when its signal aborts; a sleep that ended no longer listens', async () => {
    const controller = new AbortController();
    const long = systemClock.sleep(60_000, controller.signal);
    await systemClock.sleep(1, controller.signal);
    controller.abort(new Error('crawl aborted'));
    await expect(long).rejects.toThrow('crawl aborted');
  });
});
