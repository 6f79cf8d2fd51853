/**
 * The reads of the services other than Lambda that a crawl makes per region (EC2's DescribeSubnets
 * and DescribeSecurityGroups, CloudWatch Logs' DescribeLogGroups), each as one function (`Ec2Send`,
 * `LogsSend`), sent either from this thread (`ec2SendOf`, `logsSendOf`: a client built here; tests,
 * and the fallback) or from the SDK thread, a worker thread of its own (`remoteEc2`, `remoteLogs`:
 * the crawl's default).
 *
 * Why a thread: the EC2 SDK is a 2 MB bundle, and loading it takes the event loop for 0.4 s on a
 * quiet machine (seconds on a busy one); the Logs SDK and a client take another 50-100 ms. Loaded
 * in the crawling thread, that is a stall of every Lambda lane (GetFunction loses 40 of its 100
 * requests per 0.4 s, of which its lane catches up only a few), before the first GetFunction call
 * or in the middle of them; loaded after the crawl, it is tail. Loaded in a thread of its own, it
 * costs this thread nothing: measured in docs/benchmarks.md.
 *
 * Only the sending moves. The quota lanes, retries, backoff and what a failure means stay in the
 * crawling thread (ec2-lookup.ts, log-groups.ts): the thread sends one attempt per message and
 * answers with the output or the error's fields that `classify` and `errorInfo` read. An attempt's
 * abort (its timeout, or the crawl's) travels as a message. The clients there are built by
 * `createEc2Client` and `createLogsClient`, with the read-only guard and each service's allow list,
 * like every client of ours. Credentials are resolved here, by the crawl's own provider (the Lambda
 * client's, which caches and refreshes them), and go with each message: the thread never resolves
 * or refreshes any itself.
 */
import { Worker } from 'node:worker_threads';
import type {
  CloudWatchLogsClient,
  DescribeLogGroupsCommandInput,
  DescribeLogGroupsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type {
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@smithy/types';
import { withSignal } from './client.js';
import { loadEc2Sdk, loadLogsSdk } from './sdk.js';

export interface Ec2Io {
  DescribeSubnets: { input: DescribeSubnetsCommandInput; output: DescribeSubnetsCommandOutput };
  DescribeSecurityGroups: { input: DescribeSecurityGroupsCommandInput; output: DescribeSecurityGroupsCommandOutput };
}
export type Ec2Operation = keyof Ec2Io;

/** One attempt of CloudWatch Logs' DescribeLogGroups; rejects as the SDK would. */
export type LogsSend = (
  input: DescribeLogGroupsCommandInput,
  signal: AbortSignal,
) => Promise<DescribeLogGroupsCommandOutput>;

/** The services the SDK thread sends to, and their operations. */
export type RemoteService = 'ec2' | 'logs';
export type RemoteOperation = Ec2Operation | 'DescribeLogGroups';

/** One attempt of one EC2 read; rejects as the SDK would (an error with `name` and `$metadata`). */
export type Ec2Send = <K extends Ec2Operation>(
  operation: K,
  input: Ec2Io[K]['input'],
  signal: AbortSignal,
) => Promise<Ec2Io[K]['output']>;

/** The reads through a client of this thread (loads the EC2 SDK here, on first send). */
export function ec2SendOf(client: EC2Client | Promise<EC2Client>): Ec2Send {
  const send = async (
    operation: Ec2Operation,
    input: Ec2Io[Ec2Operation]['input'],
    signal: AbortSignal,
  ): Promise<Ec2Io[Ec2Operation]['output']> => {
    const ready = await client;
    const sdk = loadEc2Sdk();
    return operation === 'DescribeSubnets'
      ? ready.send(withSignal(new sdk.DescribeSubnetsCommand(input), signal))
      : ready.send(withSignal(new sdk.DescribeSecurityGroupsCommand(input), signal));
  };
  return send;
}

/** The log group reads through a client of this thread (loads the Logs SDK here, on first send). */
export function logsSendOf(client: CloudWatchLogsClient | Promise<CloudWatchLogsClient>): LogsSend {
  return async (input, signal) => {
    const ready = await client;
    const { DescribeLogGroupsCommand } = loadLogsSdk();
    return ready.send(withSignal(new DescribeLogGroupsCommand(input), signal));
  };
}

/** How the thread builds its client for one account-region (no credentials: those go per message). */
export interface RemoteClientSpec {
  readonly service: RemoteService;
  readonly region: string;
  readonly endpoint?: string;
  readonly maxSockets: number;
}

/** Messages to the SDK thread. */
export type ToSdkThread =
  | {
      readonly type: 'send';
      readonly id: number;
      readonly client: RemoteClientSpec;
      readonly identity: AwsCredentialIdentity;
      readonly operation: RemoteOperation;
      readonly input: unknown;
    }
  | { readonly type: 'abort'; readonly id: number };

/** What of an SDK error crosses the thread: what `classify`, `retryAfterMs` and `errorInfo` read. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly httpStatusCode?: number;
  readonly throttling?: boolean;
  readonly retryAfter?: string;
}

/** Messages from the SDK thread. */
export type FromSdkThread =
  | { readonly type: 'ready'; readonly error?: string }
  | { readonly type: 'result'; readonly id: number; readonly output: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };

/** An error as the SDK would have thrown it, from its fields. */
export function errorFromWire(wire: WireError): Error {
  return Object.assign(new Error(wire.message), {
    name: wire.name,
    ...(wire.code === undefined ? {} : { code: wire.code }),
    $metadata: wire.httpStatusCode === undefined ? {} : { httpStatusCode: wire.httpStatusCode },
    ...(wire.throttling === undefined ? {} : { $retryable: { throttling: wire.throttling } }),
    ...(wire.retryAfter === undefined ? {} : { $response: { headers: { 'retry-after': wire.retryAfter } } }),
  });
}

interface Pending {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The SDK thread: started by the first `remoteEc2`/`remoteLogs` (or `warmSdkThread`), shared by
 * every account-region of the thread that started it. It keeps the process alive only while a send
 * is under way, and it dies with the process.
 */
class SdkThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #dead: Error | undefined;
  /** Callers waiting for `ready`: the thread is kept referenced while there are any. */
  #waiting = 0;
  readonly #ready: Promise<void>;
  #onReady: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor() {
    this.#ready = new Promise<void>((resolve, reject) => (this.#onReady = { resolve, reject }));
    this.#ready.catch(() => undefined); // seen by `whenReady`; a thread nobody waited for must not surface

    // From the TypeScript sources (tests, benchmarks under tsx) the thread registers tsx first,
    // resolved from here: the process's working directory may be anywhere.
    this.#worker = import.meta.url.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./sdk-thread.ts', import.meta.url).href)}); });`,
          { eval: true },
        )
      : new Worker(new URL('./sdk-thread.js', import.meta.url));
    this.#worker.on('message', (message: FromSdkThread) => {
      if (message.type === 'ready') {
        if (message.error === undefined) this.#onReady?.resolve();
        else this.#onReady?.reject(new Error(`the SDK thread could not load its SDKs: ${message.error}`));
        return;
      }
      const waiting = this.#pending.get(message.id);
      if (!waiting) return;
      this.#settled(message.id);
      if (message.type === 'result') waiting.resolve(message.output);
      else waiting.reject(errorFromWire(message.error));
    });
    const die = (error: Error): void => {
      this.#dead = error;
      this.#onReady?.reject(error);
      for (const [id, waiting] of this.#pending) {
        this.#settled(id);
        waiting.reject(error);
      }
    };
    this.#worker.on('error', (error) => die(new Error(`the SDK thread failed: ${error.message}`)));
    this.#worker.on('exit', (code) => die(new Error(`the SDK thread exited with code ${code}`)));
    // After the listeners: adding a 'message' listener references the thread's port again.
    this.#worker.unref();
  }

  /** Resolves once the thread has loaded its SDKs (rejects if it could not): before a lane's first attempt, so the load never counts against an attempt's timeout. */
  async whenReady(): Promise<void> {
    if (this.#waiting++ === 0 && this.#pending.size === 0) this.#worker.ref();
    try {
      await this.#ready;
    } finally {
      if (--this.#waiting === 0 && this.#pending.size === 0) this.#worker.unref();
    }
  }

  send(
    client: RemoteClientSpec,
    identity: AwsCredentialIdentity,
    operation: RemoteOperation,
    input: unknown,
    signal: AbortSignal,
  ): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const id = this.#next++;
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.#pending.has(id)) return;
        this.#settled(id);
        this.#worker.postMessage({ type: 'abort', id } satisfies ToSdkThread);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      this.#pending.set(id, {
        resolve: (output) => {
          done();
          resolve(output);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage({ type: 'send', id, client, identity, operation, input } satisfies ToSdkThread);
    });
  }

  /** Stops the thread; a send after this rejects. */
  stop(): void {
    this.#dead ??= new Error('the SDK thread was stopped: its crawl is over');
    void this.#worker.terminate();
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0 && this.#waiting === 0) this.#worker.unref();
  }
}

let thread: SdkThread | undefined;
/** Crawls of this thread that hold the SDK thread (`holdSdkThread`). */
let holders = 0;

/** Starts the SDK thread (it loads the EC2 and Logs SDKs at once), so that it is ready by the first send. */
export function warmSdkThread(): void {
  thread ??= new SdkThread();
}

/**
 * The SDK thread for one crawl: started now (`warmSdkThread`), and stopped once no crawl of this
 * thread holds it. Left running to the process's exit, the thread cost every run 30-40 ms at the
 * end (its heap torn down after this one's); stopped when the crawl is over, it winds down on the
 * other core while the rules run. The next crawl starts a new one.
 */
export function holdSdkThread(): () => void {
  warmSdkThread();
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    // After this turn: an account-region queued behind this one (p-limit) takes the thread over.
    setImmediate(() => {
      if (holders > 0 || thread === undefined) return;
      const stopping = thread;
      thread = undefined;
      stopping.stop();
    }).unref();
  };
}

/**
 * One service's attempts through the SDK thread, for one account-region, with the crawl's
 * credentials (resolved per attempt: the provider caches and refreshes them); once the thread is ready.
 */
async function remoteSend(
  client: RemoteClientSpec,
  credentials: () => Promise<AwsCredentialIdentity>,
): Promise<(operation: RemoteOperation, input: unknown, signal: AbortSignal) => Promise<unknown>> {
  warmSdkThread();
  const sdk = thread!;
  await sdk.whenReady();
  return async (operation, input, signal) => sdk.send(client, await credentials(), operation, input, signal);
}

/** EC2's reads through the SDK thread (`remoteSend`). */
export async function remoteEc2(
  client: Omit<RemoteClientSpec, 'service'>,
  credentials: () => Promise<AwsCredentialIdentity>,
): Promise<Ec2Send> {
  const send = await remoteSend({ ...client, service: 'ec2' }, credentials);
  return async (operation, input, signal) =>
    (await send(operation, input, signal)) as Ec2Io[typeof operation]['output'];
}

/** CloudWatch Logs' reads through the SDK thread (`remoteSend`). */
export async function remoteLogs(
  client: Omit<RemoteClientSpec, 'service'>,
  credentials: () => Promise<AwsCredentialIdentity>,
): Promise<LogsSend> {
  const send = await remoteSend({ ...client, service: 'logs' }, credentials);
  return async (input, signal) => (await send('DescribeLogGroups', input, signal)) as DescribeLogGroupsCommandOutput;
}
