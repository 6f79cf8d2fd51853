/**
 * The role reads' thread: runs `readRoles` for the main thread (`role-reads.ts`) and posts back each
 * account's result. Why a thread: a page of GetAccountAuthorizationDetails holds up to 1,000 roles
 * and policies, and the SDK parses it in one go (0.2-0.8 s of CPU for a large account). In the main
 * thread that stalls the crawl's timers, and a 15 rps lane does not catch a stall up (see
 * `SMALL_BUCKET_CATCH_UP` in crawler.ts): the scan would end that much later. Credentials that are not
 * static stay with the main thread, asked for per read, as in `crawl-thread.ts`.
 */
import { setMaxListeners } from 'node:events';
import { parentPort } from 'node:worker_threads';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createIamClient } from './client.js';
import { readRoles, type RoleRead } from './roles.js';

/** One account's read, as it travels (no functions: credentials are static or asked for). */
export interface RoleReadJob {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity;
  readonly maxRps?: number;
  readonly requestTimeoutMs?: number;
}

export type ToRoleThread =
  | { readonly type: 'read'; readonly id: number; readonly job: RoleReadJob }
  | {
      readonly type: 'credentials';
      readonly request: number;
      readonly identity?: AwsCredentialIdentity;
      readonly error?: { readonly name: string; readonly message: string };
    }
  | { readonly type: 'abort' };

export type FromRoleThread =
  | { readonly type: 'done'; readonly id: number; readonly read: RoleRead }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly error: { readonly name: string; readonly message: string };
    }
  | { readonly type: 'credentials'; readonly request: number; readonly id: number };

const port = parentPort;
if (!port) throw new Error('role-thread.ts runs as a worker thread (src/crawl/role-reads.ts)');

const controller = new AbortController();
setMaxListeners(0, controller.signal);
const asked = new Map<number, { resolve: (identity: AwsCredentialIdentity) => void; reject: (e: Error) => void }>();
let nextRequest = 0;
const post = (message: FromRoleThread): void => port.postMessage(message);

port.on('message', (message: ToRoleThread) => {
  if (message.type === 'abort') controller.abort(new Error('crawl aborted'));
  else if (message.type === 'credentials') {
    const waiting = asked.get(message.request);
    asked.delete(message.request);
    if (message.identity) waiting?.resolve(message.identity);
    else waiting?.reject(Object.assign(new Error(message.error?.message ?? 'no credentials'), message.error));
  } else void run(message.id, message.job);
});

async function run(id: number, job: RoleReadJob): Promise<void> {
  const credentials =
    job.credentials ??
    (() =>
      new Promise<AwsCredentialIdentity>((resolve, reject) => {
        const request = nextRequest++;
        asked.set(request, { resolve, reject });
        post({ type: 'credentials', request, id });
      }));
  const client = createIamClient({
    region: job.region,
    maxSockets: 2,
    credentials,
    ...(job.endpoint === undefined ? {} : { endpoint: job.endpoint }),
  });
  try {
    const read = await readRoles({
      client: () => client,
      signal: controller.signal,
      ...(job.maxRps === undefined ? {} : { maxRps: job.maxRps }),
      ...(job.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: job.requestTimeoutMs }),
    });
    post({ type: 'done', id, read });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', id, error: { name: e.name, message: e.message } });
  } finally {
    (await client.catch(() => undefined))?.destroy();
  }
}
