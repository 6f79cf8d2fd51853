/**
 * The role reads of a run: one per account, whichever thread crawls its regions and however many
 * regions it has. They run in the main thread, each on its own IAM lane, started when the account's
 * first account-region starts (so they overlap its crawl and stay off the Lambda lanes' path), and
 * are collected after the crawl into `Snapshot.iam`, one entry per account, sorted.
 *
 * Why not a thread of their own: the SDK parses a page (up to 1,000 roles and policies) in one go,
 * which stalls this thread's timers for a large account; a worker was tried and measured slower on
 * 2 cores (its start-up, loading the IAM SDK again, costs more than the parse: docs/benchmarks.md).
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { AccountIam, RegionStats } from '../snapshot/types.js';
import type { ClientSpec } from './account-region.js';
import { createIamClient } from './client.js';
import { crawlUnderWay } from './lane.js';
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
}

export class RoleReads {
  readonly #options: RoleReadsOptions;
  readonly #reads = new Map<string, Promise<RoleRead>>();

  constructor(options: RoleReadsOptions) {
    this.#options = options;
  }

  /** Starts the read of the target known as `key` (once; later calls do nothing). */
  start(key: string, target: RoleReadTarget): void {
    if (!this.#options.read || this.#reads.has(key)) return;
    // Once the crawl is under way (`crawlUnderWay`: its listing is done): loading the IAM SDK must not stall the listing.
    const read = crawlUnderWay().then(() => this.#readHere(target));
    read.catch(() => undefined); // awaited in `collect`; an abort before then must not surface as unhandled
    this.#reads.set(key, read);
  }

  /** The read started for `key`, with what it cost (requests, throttles); undefined when none was. */
  read(key: string): Promise<RoleRead> | undefined {
    return this.#reads.get(key);
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
