/**
 * The role reads of a run: one per account, whichever thread crawls its regions and however many
 * regions it has. Started from the main thread when the account's first account-region starts, so
 * they overlap its crawl, each on its own IAM lane; made in a thread of their own (`role-thread.ts`:
 * parsing a 1,000-item page would otherwise stall the crawl's timers), or in this thread when that
 * thread cannot run; collected after the crawl into `Snapshot.iam`, one entry per account, sorted.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AccountIam, RegionStats } from '../snapshot/types.js';
import type { ClientSpec } from './account-region.js';
import { createIamClient } from './client.js';
import type { FromRoleThread, RoleReadJob, ToRoleThread } from './role-thread.js';
import { accountIam, readRoles, skippedIam, type RoleRead } from './roles.js';

/** Who to read: the account's client spec (its IAM endpoint and credentials) and a region for the partition. */
export interface RoleReadTarget {
  /** Known before the crawl (account flags); otherwise taken from the read or the crawl. */
  readonly account?: string;
  readonly client: ClientSpec;
  readonly region: string;
}

export interface RoleReadsOptions {
  /** False with `--no-roles`: nothing read, every account's roles `skipped`. */
  readonly read: boolean;
  readonly signal: AbortSignal;
  readonly maxRps?: number;
  readonly requestTimeoutMs?: number;
  /** Read in a thread of their own. @default true */
  readonly thread?: boolean;
}

export class RoleReads {
  readonly #options: RoleReadsOptions;
  readonly #reads = new Map<string, Promise<RoleRead>>();
  #thread: RoleThread | undefined;

  constructor(options: RoleReadsOptions) {
    this.#options = options;
  }

  /** Starts the read of the target known as `key` (once; later calls do nothing). */
  start(key: string, target: RoleReadTarget): void {
    if (!this.#options.read || this.#reads.has(key)) return;
    const here = (): Promise<RoleRead> => this.#readHere(target);
    let read: Promise<RoleRead>;
    if (this.#options.thread === false) read = here();
    else {
      this.#thread ??= new RoleThread(this.#options.signal);
      const job: RoleReadJob = {
        region: target.region,
        ...(target.client.iamEndpoint === undefined ? {} : { endpoint: target.client.iamEndpoint }),
        ...(typeof target.client.credentials === 'object' ? { credentials: target.client.credentials } : {}),
        ...(this.#options.maxRps === undefined ? {} : { maxRps: this.#options.maxRps }),
        ...(this.#options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.#options.requestTimeoutMs }),
      };
      read = this.#thread.read(job, credentialsOf(target.client), here);
    }
    read.catch(() => undefined); // awaited in `collect`; an abort before then must not surface as unhandled
    this.#reads.set(key, read);
  }

  /** The read started for `key`, with what it cost (requests, throttles); undefined when none was. */
  read(key: string): Promise<RoleRead> | undefined {
    return this.#reads.get(key);
  }

  /** Reads the role reads' thread made (the rest were made in this thread). */
  get threadReads(): number {
    return this.#thread?.done ?? 0;
  }

  /** Ends the reads' thread (after `collect`, or when the run stops). */
  async close(): Promise<void> {
    await this.#thread?.close();
    this.#thread = undefined;
  }

  #readHere(target: RoleReadTarget): Promise<RoleRead> {
    let client: Promise<IAMClient> | undefined;
    const auth = {
      ...(target.client.profile === undefined ? {} : { profile: target.client.profile }),
      ...(target.client.credentials === undefined ? {} : { credentials: target.client.credentials }),
    };
    return readRoles({
      client: () =>
        (client ??= createIamClient({
          region: target.region,
          maxSockets: 2,
          ...(target.client.iamEndpoint === undefined ? {} : { endpoint: target.client.iamEndpoint }),
          ...auth,
        })),
      signal: this.#options.signal,
      ...(this.#options.maxRps === undefined ? {} : { maxRps: this.#options.maxRps }),
      ...(this.#options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.#options.requestTimeoutMs }),
    }).finally(async () => (await client?.catch(() => undefined))?.destroy());
  }

  /**
   * Every account's entry: `accounts` maps each target key to the account its crawl found (used when
   * the read itself names none). One entry per account: a second read of the same account (two
   * profiles of one account) is the same read; a complete one is kept over one that is not.
   */
  async collect(
    accounts: ReadonlyMap<string, string | undefined>,
    log: (line: string) => void = () => undefined,
  ): Promise<AccountIam[]> {
    const out = new Map<string, AccountIam>();
    for (const [key, crawled] of accounts) {
      let entry: AccountIam | undefined;
      if (!this.#options.read) {
        if (crawled !== undefined) entry = skippedIam(crawled);
      } else {
        const pending = this.#reads.get(key);
        if (pending === undefined) continue;
        const read = await pending;
        const account = read.account ?? crawled;
        if (account === undefined) continue;
        entry = accountIam(read, account);
        log(
          read.unknown === undefined
            ? `iam ${account}: ${Object.keys(read.roles).length} roles, ${Object.keys(read.policies).length} managed policies (${read.requests} requests, ${read.throttled} throttled)`
            : `iam ${account}: roles not read (${read.unknown.reason}: ${read.unknown.detail ?? ''}); the role rules are not judged there`,
        );
      }
      if (entry === undefined) continue;
      const kept = out.get(entry.account);
      if (kept === undefined || (unread(kept) && !unread(entry))) out.set(entry.account, entry);
    }
    return [...out.values()].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  }
}

/** A read that was tried and could not be made: the run is incomplete. */
export function unread(iam: AccountIam): boolean {
  return iam.unknown?.reason === 'denied' || iam.unknown?.reason === 'failed';
}

/**
 * The account-regions of accounts whose roles could not be read are incomplete (exit 3), as with an
 * exposure read that was refused: the role rules cannot judge their functions.
 */
export function withRoleCompleteness(regions: readonly RegionStats[], iam: readonly AccountIam[]): RegionStats[] {
  const missing = new Set(iam.filter(unread).map((i) => i.account));
  return regions.map((r) => (missing.has(r.account) && r.complete ? { ...r, complete: false } : r));
}

/** tsx's ESM API (its `import` condition), by absolute URL: a worker resolves bare names from the working directory. */
function tsxEsmApi(): string {
  return new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json')))
    .href;
}

/** The credentials a read in the thread asks for: the target's provider, or its profile's (or the default) chain. */
function credentialsOf(spec: ClientSpec): () => Promise<AwsCredentialIdentity> {
  const given = spec.credentials;
  if (typeof given === 'function') return given;
  if (given !== undefined) return () => Promise.resolve(given);
  let provider: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () =>
    (
      await (provider ??= import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) =>
        fromNodeProviderChain(spec.profile === undefined ? {} : { profile: spec.profile }),
      ))
    )();
}

interface Pending {
  readonly resolve: (read: RoleRead) => void;
  readonly reject: (error: unknown) => void;
  readonly credentials: () => Promise<AwsCredentialIdentity>;
  /** The same read in this thread: what a read does when the thread cannot run it. */
  readonly here: () => Promise<RoleRead>;
}

/** One worker for every role read of the run; when it cannot start or dies, its reads are made here. */
class RoleThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #signal: AbortSignal;
  #nextId = 0;
  #dead = false;
  /** Reads the thread made. */
  done = 0;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    // From the TypeScript sources (tests, benchmarks under tsx) the thread registers tsx first, found
    // from this file rather than the working directory.
    this.#worker = import.meta.url.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./role-thread.ts', import.meta.url).href)}); });`,
          { eval: true },
        )
      : new Worker(new URL('./role-thread.js', import.meta.url));
    this.#worker.on('message', (message: FromRoleThread) => this.#onMessage(message));
    this.#worker.on('error', () => this.#onDeath());
    this.#worker.on('exit', () => this.#onDeath());
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  read(
    job: RoleReadJob,
    credentials: () => Promise<AwsCredentialIdentity>,
    here: () => Promise<RoleRead>,
  ): Promise<RoleRead> {
    if (this.#dead) return here();
    const id = this.#nextId++;
    return new Promise<RoleRead>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, credentials, here });
      this.#send({ type: 'read', id, job });
    });
  }

  async close(): Promise<void> {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#dead = true;
    await this.#worker.terminate();
  }

  #send(message: ToRoleThread): void {
    this.#worker.postMessage(message);
  }

  readonly #onAbort = (): void => {
    if (!this.#dead) this.#send({ type: 'abort' });
    for (const p of this.#pending.values()) p.reject(this.#signal.reason);
    this.#pending.clear();
  };

  #onMessage(message: FromRoleThread): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'credentials') {
      void pending.credentials().then(
        (identity) => this.#send({ type: 'credentials', request: message.request, identity }),
        (error: Error) =>
          this.#send({
            type: 'credentials',
            request: message.request,
            error: { name: error.name ?? 'Error', message: error.message ?? String(error) },
          }),
      );
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'done') {
      this.done++;
      pending.resolve(message.read);
    } else if (this.#signal.aborted) pending.reject(this.#signal.reason);
    else pending.here().then(pending.resolve, pending.reject);
  }

  /** The thread could not start or stopped: its reads are made in this thread instead. */
  #onDeath(): void {
    if (this.#dead) return;
    this.#dead = true;
    for (const p of this.#pending.values()) p.here().then(p.resolve, p.reject);
    this.#pending.clear();
  }
}
