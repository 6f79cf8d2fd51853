import type { Clock } from '../../src/crawl/clock.js';

/** A clock that only moves when the test says so; sleepers wake in time order. */
export class FakeClock implements Clock {
  #now = 0;
  #sleepers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#sleepers.push({ at: this.#now + Math.max(0, ms), resolve });
      this.#sleepers.sort((a, b) => a.at - b.at);
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

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
