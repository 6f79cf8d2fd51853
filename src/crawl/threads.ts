/**
 * Many account-regions at once, over crawler threads. At organisation scale the crawl is CPU-bound
 * before it is quota-bound: a request costs about 0.6 ms of CPU (the AWS SDK's serialising, signing
 * and parsing, Node's HTTP client, our records; docs/benchmarks.md), and one account-region makes
 * about 40 requests a second with the exposure reads (GetFunction paced at GetPolicy's 15 rps) or up
 * to 130 without them. One thread carries about 40 account-regions of the first kind (measured: 40
 * at once within 1.1x of one alone) and about 12 of the second. So the jobs are spread over worker
 * threads (`crawl-thread.ts`), each running several crawls with their own quota lanes, while this
 * thread only hands out jobs, answers for credentials and relays progress.
 *
 * - `--parallel` stays the global bound on account-regions at once (sockets, memory); threads only
 *   decide where they run. A job goes to the thread with the fewest running.
 * - Credentials that are not static never leave this thread's providers: a thread asks for them per
 *   job, and the SDK there caches and refreshes them (assumed roles keep being refreshed here).
 * - A thread that dies takes no function with it silently: its running account-regions are
 *   recorded as incomplete with the error (exit 3), and the rest go to the other threads, or to
 *   this thread when none is left.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import pLimit from 'p-limit';
import type { ErrorInfo, FunctionRecord } from '../snapshot/types.js';
import { crawlAccountRegion, incompleteRegion, type AccountRegionJob } from './account-region.js';
import type { CrawlResult, RegionProgress } from './crawler.js';
import type { FromThread, ToThread, WireJob } from './thread-protocol.js';

/**
 * Account-regions one thread is given before another thread is started. About 12 saturate a
 * thread at full quotas without the exposure reads (the heaviest case); 8 leave room for the
 * bursts of the listing and for garbage collection. A thread also costs its own start-up (loading
 * the SDK, a cold JIT), so fewer, fuller threads are better than many light ones.
 */
export const ACCOUNT_REGIONS_PER_THREAD = 8;

export interface CrawlAllOptions {
  /** Account-regions crawled at once, over all threads. */
  readonly parallel: number;
  /** Crawler threads; 1 crawls in this thread. @default autoThreads(min(parallel, jobs)) */
  readonly threads?: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: RegionProgress) => void;
  /** See `CrawlOptions.onCompleted`: heard for the account-regions crawled in this thread only (a crawler thread's records cross at its job's end). */
  readonly onCompleted?: (record: FunctionRecord) => void;
  /** Hears each job as it starts (within `parallel`), in this thread: the account's role read starts with it. */
  readonly onStart?: (job: AccountRegionJob) => void;
}

/**
 * One thread per `ACCOUNT_REGIONS_PER_THREAD` account-regions at once, on every core but one: the
 * main thread, TLS and the rest of the machine keep a core. So a 2-core machine crawls in the main
 * thread: measured on one (docs/benchmarks.md), two crawler threads beside a local Lambda API were
 * slower than one thread, the three competing for two cores.
 */
export function autoThreads(atOnce: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, Math.ceil(atOnce / ACCOUNT_REGIONS_PER_THREAD)));
}

/** Crawls every job, at most `parallel` at once; results in the order of `jobs`. */
export async function crawlAll(jobs: readonly AccountRegionJob[], options: CrawlAllOptions): Promise<CrawlResult[]> {
  // Every account-region's crawl listens to the one signal: far more than EventTarget's default of 10.
  setMaxListeners(0, options.signal);
  const limit = pLimit(options.parallel);
  const started = (job: AccountRegionJob): AccountRegionJob => {
    options.onStart?.(job);
    return job;
  };
  const threads = options.threads ?? autoThreads(Math.min(options.parallel, jobs.length));
  if (threads <= 1 || jobs.length <= 1)
    return Promise.all(
      jobs.map((job) =>
        limit(() => crawlAccountRegion(started(job), options.signal, options.onProgress, options.onCompleted)),
      ),
    );
  const pool = new ThreadPool(threads, options);
  try {
    return await Promise.all(jobs.map((job) => limit(() => pool.run(started(job)))));
  } finally {
    await pool.close();
  }
}

interface Running {
  readonly job: AccountRegionJob;
  readonly resolve: (result: CrawlResult) => void;
  readonly reject: (error: unknown) => void;
}

class CrawlerThread {
  readonly worker: Worker;
  readonly running = new Map<number, Running>();
  dead = false;

  constructor(
    onMessage: (thread: CrawlerThread, message: FromThread) => void,
    onDeath: (thread: CrawlerThread, error: Error) => void,
  ) {
    // From the TypeScript sources (tests, benchmarks under tsx) the thread registers tsx first,
    // resolved from here: the process's working directory may be anywhere.
    this.worker = import.meta.url.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./crawl-thread.ts', import.meta.url).href)}); });`,
          { eval: true },
        )
      : new Worker(new URL('./crawl-thread.js', import.meta.url));
    this.worker.on('message', (message: FromThread) => onMessage(this, message));
    this.worker.on('error', (error) => onDeath(this, error));
    this.worker.on('exit', (code) => onDeath(this, new Error(`the crawler thread exited with code ${code}`)));
  }

  send(message: ToThread): void {
    this.worker.postMessage(message);
  }
}

class ThreadPool {
  readonly #threads: CrawlerThread[];
  readonly #options: CrawlAllOptions;
  readonly #providers = new Map<string, Promise<AwsCredentialIdentityProvider>>();
  #nextId = 0;
  #closing = false;

  constructor(count: number, options: CrawlAllOptions) {
    this.#options = options;
    this.#threads = Array.from(
      { length: count },
      () =>
        new CrawlerThread(
          (thread, message) => this.#onMessage(thread, message),
          (thread, error) => this.#onDeath(thread, error),
        ),
    );
    options.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  run(job: AccountRegionJob): Promise<CrawlResult> {
    const live = this.#threads.filter((t) => !t.dead);
    if (live.length === 0)
      return crawlAccountRegion(job, this.#options.signal, this.#options.onProgress, this.#options.onCompleted);
    if (this.#options.signal.aborted) return Promise.reject(this.#options.signal.reason as Error);
    const thread = live.reduce((a, b) => (b.running.size < a.running.size ? b : a));
    const id = this.#nextId++;
    return new Promise<CrawlResult>((resolve, reject) => {
      thread.running.set(id, { job, resolve, reject });
      thread.send({ type: 'crawl', id, job: wire(job), progress: this.#options.onProgress !== undefined });
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#options.signal.removeEventListener('abort', this.#onAbort);
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }

  readonly #onAbort = (): void => {
    const reason = this.#options.signal.reason as unknown;
    for (const thread of this.#threads) {
      if (!thread.dead) thread.send({ type: 'abort' });
      for (const r of thread.running.values()) r.reject(reason);
      thread.running.clear();
    }
  };

  #onMessage(thread: CrawlerThread, message: FromThread): void {
    if (message.type === 'credentials') {
      const job = thread.running.get(message.id)?.job;
      void this.#credentials(job).then(
        (identity) => thread.send({ type: 'credentials', request: message.request, identity }),
        (error: Error) =>
          thread.send({
            type: 'credentials',
            request: message.request,
            error: { name: error.name ?? 'Error', message: error.message ?? String(error) },
          }),
      );
      return;
    }
    const running = thread.running.get(message.id);
    if (!running) return;
    if (message.type === 'progress') {
      this.#options.onProgress?.(message.progress);
      return;
    }
    thread.running.delete(message.id);
    if (message.type === 'done') running.resolve(message.result);
    else if (this.#options.signal.aborted) running.reject(this.#options.signal.reason);
    else
      running.resolve(failed(running.job, { code: message.error.name, message: message.error.message, attempts: 1 }));
  }

  #onDeath(thread: CrawlerThread, error: Error): void {
    if (thread.dead) return;
    thread.dead = true;
    if (this.#closing) return;
    for (const r of thread.running.values())
      r.resolve(
        failed(r.job, {
          code: 'CrawlerThreadFailed',
          message: `the crawler thread stopped: ${error.message}`,
          attempts: 1,
        }),
      );
    thread.running.clear();
  }

  /** The job's credentials from this thread's providers: its own provider, or its profile's chain. */
  async #credentials(job: AccountRegionJob | undefined): Promise<AwsCredentialIdentity> {
    if (!job) throw new Error('no such job');
    const given = job.client.credentials;
    if (typeof given === 'function') return given();
    if (given !== undefined) return given;
    const profile = job.client.profile ?? '';
    let provider = this.#providers.get(profile);
    if (!provider) {
      provider = import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) =>
        fromNodeProviderChain(job.client.profile === undefined ? {} : { profile: job.client.profile }),
      );
      this.#providers.set(profile, provider);
    }
    return (await provider)();
  }
}

/** The job as it travels to a thread: static credentials as they are, the rest asked for. */
function wire(job: AccountRegionJob): WireJob {
  // The profile stays here: its chain is resolved by this thread's provider (`#credentials`).
  const { endpoint, ec2Endpoint, logsEndpoint, maxSockets, credentials } = job.client;
  return {
    ...job,
    client: {
      maxSockets,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(ec2Endpoint === undefined ? {} : { ec2Endpoint }),
      ...(logsEndpoint === undefined ? {} : { logsEndpoint }),
      ...(credentials !== undefined && typeof credentials !== 'function' ? { credentials } : {}),
    },
    key: { secret: new Uint8Array(job.key.secret), id: job.key.id },
  };
}

function failed(job: AccountRegionJob, error: ErrorInfo): CrawlResult {
  return { functions: [], regions: [incompleteRegion(job.account ?? 'unknown', job.region, error)] };
}
