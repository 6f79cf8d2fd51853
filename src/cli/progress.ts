/** Progress on stderr while crawling (only on a TTY), and the summary lines after. */
import type { RegionProgress } from '../crawl/crawler.js';
import type { RegionStats } from '../snapshot/types.js';

export interface Progress {
  update(progress: RegionProgress): void;
  done(): void;
}

export function ttyProgress(stream: NodeJS.WriteStream): Progress {
  const state = new Map<string, RegionProgress>();
  let last = 0;
  const render = (): void => {
    const parts = [...state.values()].map(
      (p) =>
        `${p.region} ${p.done}/${p.listed}${p.listingDone ? '' : '+'}${p.throttled > 0 ? ` (429: ${p.throttled})` : ''}`,
    );
    stream.write(`\r\x1b[2Kcrawling ${parts.join('  ')}`);
  };
  return {
    update(progress) {
      state.set(progress.region, progress);
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        render();
      }
    },
    done() {
      if (state.size > 0) stream.write('\r\x1b[2K');
    },
  };
}

export const silentProgress: Progress = { update: () => undefined, done: () => undefined };

export function summaryLine(r: RegionStats): string {
  const seconds = (r.durationMs / 1000).toFixed(1);
  const versions = r.versions > 0 ? `, ${r.versions} versions` : '';
  const status = r.complete
    ? 'complete'
    : `INCOMPLETE${r.error ? ` (listing failed: ${r.error.code}: ${r.error.message})` : ''}`;
  return `${r.account} ${r.region}: ${r.listed} listed, ${r.fetched} fetched, ${r.vanished} vanished, ${r.denied} denied, ${r.failed} failed${versions}; ${r.throttled} throttled, ${r.retries} retries, ${r.requests} requests in ${seconds}s; ${status}`;
}
