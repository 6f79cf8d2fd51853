/**
 * EC2's two reads (DescribeSubnets, DescribeSecurityGroups) as one function, `Ec2Send`, sent either
 * from this thread (`ec2SendOf`, a client built here: tests, and the fallback) or from a worker
 * thread (`remoteEc2`, the crawl's default).
 *
 * Why a thread: the EC2 SDK is a 2 MB bundle, and loading it takes the event loop for 0.4 s on a
 * quiet machine (seconds on a busy one). Loaded in the crawling thread, that is a stall of every
 * Lambda lane mid-crawl (GetFunction loses ~40 requests of its 100 rps quota per 0.4 s, of which
 * its lane catches up only a few) or, loaded after the crawl, 0.4 s more of tail. Loaded in a
 * thread of its own, it costs this thread nothing: measured in docs/benchmarks.md.
 *
 * Only the sending moves. The quota lanes, retries, backoff and what a failure means stay in the
 * crawling thread (subnets.ts, security-groups.ts): the thread sends one attempt per message and
 * answers with the output or the error's fields that `classify` and `errorInfo` read. An attempt's
 * abort (its timeout, or the crawl's) travels as a message. The client there is built by
 * `createEc2Client`, with the read-only guard and EC2's allow list, like every client of ours.
 * Credentials are resolved here, by the crawl's own provider (the Lambda client's, which caches and
 * refreshes them), and go with each message: the thread never resolves or refreshes any itself.
 */
import { Worker } from 'node:worker_threads';
import type {
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@smithy/types';
import { withSignal } from './client.js';
import { loadEc2Sdk } from './sdk.js';

export interface Ec2Io {
  DescribeSubnets: { input: DescribeSubnetsCommandInput; output: DescribeSubnetsCommandOutput };
  DescribeSecurityGroups: { input: DescribeSecurityGroupsCommandInput; output: DescribeSecurityGroupsCommandOutput };
}
export type Ec2Operation = keyof Ec2Io;

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

/** How the thread builds its client for one account-region (no credentials: those go per message). */
export interface RemoteClientSpec {
  readonly region: string;
  readonly endpoint?: string;
  readonly maxSockets: number;
}

/** Messages to the EC2 thread. */
export type ToEc2Thread =
  | {
      readonly type: 'send';
      readonly id: number;
      readonly client: RemoteClientSpec;
      readonly identity: AwsCredentialIdentity;
      readonly operation: Ec2Operation;
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

/** Messages from the EC2 thread. */
export type FromEc2Thread =
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
 * The process's EC2 thread: started by the first `remoteEc2` (or `warmEc2Thread`), shared by every
 * account-region of the thread that started it. It keeps the process alive only while a send is
 * under way, and it dies with the process.
 */
class Ec2Thread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #dead: Error | undefined;

  constructor() {
    // From the TypeScript sources (tests, benchmarks under tsx) the thread registers tsx first.
    this.#worker = import.meta.url.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./ec2-thread.ts', import.meta.url).href)}); });`,
          { eval: true },
        )
      : new Worker(new URL('./ec2-thread.js', import.meta.url));
    this.#worker.unref();
    this.#worker.on('message', (message: FromEc2Thread) => {
      const waiting = this.#pending.get(message.id);
      if (!waiting) return;
      this.#settled(message.id);
      if (message.type === 'result') waiting.resolve(message.output);
      else waiting.reject(errorFromWire(message.error));
    });
    const die = (error: Error): void => {
      this.#dead = error;
      for (const [id, waiting] of this.#pending) {
        this.#settled(id);
        waiting.reject(error);
      }
    };
    this.#worker.on('error', (error) => die(new Error(`the EC2 thread failed: ${error.message}`)));
    this.#worker.on('exit', (code) => die(new Error(`the EC2 thread exited with code ${code}`)));
  }

  send(
    client: RemoteClientSpec,
    identity: AwsCredentialIdentity,
    operation: Ec2Operation,
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
        this.#worker.postMessage({ type: 'abort', id } satisfies ToEc2Thread);
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
      this.#worker.postMessage({ type: 'send', id, client, identity, operation, input } satisfies ToEc2Thread);
    });
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
  }
}

let thread: Ec2Thread | undefined;

/** Starts the EC2 thread (it loads the SDK at once), so that it is ready by the first send. */
export function warmEc2Thread(): void {
  thread ??= new Ec2Thread();
}

/** The reads through the EC2 thread, for one account-region, with the crawl's credentials. */
export function remoteEc2(client: RemoteClientSpec, credentials: () => Promise<AwsCredentialIdentity>): Ec2Send {
  return async (operation, input, signal) => {
    warmEc2Thread();
    const identity = await credentials();
    return (await thread!.send(client, identity, operation, input, signal)) as Ec2Io[typeof operation]['output'];
  };
}
