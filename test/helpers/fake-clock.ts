import type { Clock } from '../../src/crawl/clock.js';

/** A clock that only moves when the test says so; sleepers wake in time order. */
export class FakeClock implements Clock {
  #now = 0;
  #sleepers: { at: number; seq: number; resolve: () => void; reject: (reason: unknown) => void }[] = [];
  #seq = 0;

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      this.#sleepers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve, reject });
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Moves time forward by `ms`, waking sleepers one by one and letting promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await flush();
      const next = this.#sleepers[0];
      if (!next || next.at > end) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
    }
    this.#now = end;
    await flush();
  }
}

/** Lets every pending promise chain settle: a macrotask runs only once the microtask queue is empty. */
async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
