/**
 * A crawler thread: runs the account-region jobs the main thread (`threads.ts`) sends, each as
 * `crawlAccountRegion` would in the main thread, and posts back progress and results. Credentials
 * that are not static (assumed roles, profiles, the default chain) stay with the main thread: the
 * SDK here asks for them through a provider that messages it, and refreshes them the same way.
 */
import { parentPort } from 'node:worker_threads';
import { setMaxListeners } from 'node:events';
import type { AwsCredentialIdentity } from '@smithy/types';
import { crawlAccountRegion } from './account-region.js';
import type { FromThread, ToThread, WireJob } from './thread-protocol.js';
import type { RegionProgress } from './crawler.js';

/** Progress goes to the main thread at most this often per job (the last one always). */
const PROGRESS_EVERY_MS = 200;

const port = parentPort;
if (!port) throw new Error('crawl-thread.ts runs as a worker thread (src/crawl/threads.ts)');

const controller = new AbortController();
setMaxListeners(0, controller.signal);
const asked = new Map<number, { resolve: (identity: AwsCredentialIdentity) => void; reject: (e: Error) => void }>();
let nextRequest = 0;
const post = (message: FromThread): void => port.postMessage(message);

port.on('message', (message: ToThread) => {
  if (message.type === 'abort') controller.abort(new Error('crawl aborted'));
  else if (message.type === 'credentials') {
    const waiting = asked.get(message.request);
    asked.delete(message.request);
    if (message.identity) waiting?.resolve(message.identity);
    else waiting?.reject(Object.assign(new Error(message.error?.message ?? 'no credentials'), message.error));
  } else void run(message.id, message.job, message.progress);
});

async function run(id: number, wire: WireJob, progress: boolean): Promise<void> {
  const credentials =
    wire.client.credentials ??
    (() =>
      new Promise<AwsCredentialIdentity>((resolve, reject) => {
        const request = nextRequest++;
        asked.set(request, { resolve, reject });
        post({ type: 'credentials', request, id });
      }));
  let last = 0;
  const onProgress = (p: RegionProgress): void => {
    const now = performance.now();
    const final = p.listingDone && p.done >= p.listed;
    if (now - last < PROGRESS_EVERY_MS && !final) return;
    last = now;
    post({ type: 'progress', id, progress: p });
  };
  try {
    const result = await crawlAccountRegion(
      {
        ...wire,
        client: { ...wire.client, credentials },
        key: { secret: Buffer.from(wire.key.secret), id: wire.key.id },
      },
      controller.signal,
      progress ? onProgress : undefined,
    );
    post({ type: 'done', id, result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', id, error: { name: e.name, message: e.message } });
  }
}
