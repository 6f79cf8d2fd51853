/**
 * What the subnet lookup (subnets.ts) and the security group lookup (security-groups.ts) share: an
 * EC2 Describe call over ids, in batches, each batch paginated, on a lane of its own, with every id
 * asked for once per account-region, and started early.
 *
 * Early: subnet and group ids are in the listing's pages (ListFunctions returns each function's
 * `VpcConfig`), so the crawl hands them over as the listing ends (`prefetch`), and the lookups run
 * while the GetFunction calls go. At the end (`resolve`) only ids the listing did not show (a
 * function changed since it was listed, a capacity provider's subnets) are still asked for: the
 * lookups add nothing to the crawl's tail but those.
 *
 * Not fatal: the first call refused (UnauthorizedOperation) or failed after retries ends the
 * lookups of that account-region; every record that needs one of its ids then gets the unknown
 * part that says why (reason `denied` or `failed`), and the rest of the crawl stands.
 */
import type { UnknownPart } from '../snapshot/types.js';
import type { Ec2Send } from './sdk-remote.js';
import { QuotaLane, type LaneOptions } from './lane.js';
import { errorInfo } from './retry.js';

/** Describe requests per second per account and region, per action (EC2's documented refill rate for non-mutating actions). */
export const EC2_DESCRIBE_RATE = 20;

export interface Ec2LookupOptions extends Omit<LaneOptions, 'ratePerSecond' | 'concurrency'> {
  /** How to send EC2's reads; called on the first lookup only. */
  readonly ec2: () => Ec2Send | Promise<Ec2Send>;
  readonly signal: AbortSignal;
  /** Caps the lane's rate (`--max-rps`). */
  readonly maxRps?: number;
  /** @default EC2_DESCRIBE_RATE */
  readonly ratePerSecond?: number;
}

export interface LookupStats {
  readonly requests: number;
  readonly throttled: number;
  readonly retries: number;
}

/** What one kind of lookup is: its call, how many ids a call takes, what a page holds, its unknown part. */
export interface LookupKind<T, Page> {
  readonly batch: number;
  readonly part: { readonly path: string; readonly action: string };
  readonly describe: (
    send: Ec2Send,
    ids: readonly string[],
    token: string | undefined,
    signal: AbortSignal,
  ) => Promise<Page>;
  /** Puts the page's items in `into` and returns its next token. */
  readonly onPage: (page: Page, into: Map<string, T>) => string | undefined;
}

/** One kind of lookup over every account-region of a crawl: ids in, found items (or why not) out. */
export class IdLookup<T, Page> {
  readonly #lane: QuotaLane;
  readonly #options: Ec2LookupOptions;
  readonly #kind: LookupKind<T, Page>;
  readonly #regions = new Map<string, RegionLookup<T>>();
  #send: Promise<Ec2Send> | undefined;

  constructor(options: Ec2LookupOptions, kind: LookupKind<T, Page>) {
    this.#options = options;
    this.#kind = kind;
    this.#lane = new QuotaLane({
      ...options,
      ratePerSecond: Math.min(options.ratePerSecond ?? EC2_DESCRIBE_RATE, options.maxRps ?? Infinity),
      concurrency: 4,
    });
  }

  get stats(): LookupStats {
    return this.#lane.stats;
  }

  /** Starts looking up the ids of `key` (`account/region`) not asked for yet; returns at once. */
  prefetch(key: string, ids: Iterable<string>): void {
    const region = this.#region(key);
    const fresh = [...new Set(ids)].filter((id) => !region.asked.has(id)).sort();
    if (fresh.length === 0) return;
    for (const id of fresh) region.asked.add(id);
    // One lookup at a time per account-region: the first refusal stops the ones after it.
    region.work = region.work.then(async () => {
      if (region.unknown !== undefined) return;
      region.unknown = await this.#lookUp(fresh, region.found);
    });
    // Awaited by `resolve`; a crawl aborted before then (Ctrl-C) must not surface as unhandled.
    region.work.catch(() => undefined);
  }

  /** Everything found for `key` once `ids` (and every id prefetched before) were looked up, or why not. */
  async resolve(key: string, ids: Iterable<string>): Promise<ReadonlyMap<string, T> | UnknownPart> {
    this.prefetch(key, ids);
    const region = this.#region(key);
    await region.work;
    return region.unknown ?? region.found;
  }

  #region(key: string): RegionLookup<T> {
    let region = this.#regions.get(key);
    if (!region) {
      region = { asked: new Set(), found: new Map(), unknown: undefined, work: Promise.resolve() };
      this.#regions.set(key, region);
    }
    return region;
  }

  async #lookUp(ids: readonly string[], into: Map<string, T>): Promise<UnknownPart | undefined> {
    const { part } = this.#kind;
    let send: Ec2Send;
    try {
      send = await (this.#send ??= Promise.resolve(this.#options.ec2()));
    } catch (error) {
      return { path: part.path, reason: 'failed', detail: `${part.action}: ${(error as Error).message}` };
    }
    return describeInBatches(
      ids,
      this.#kind.batch,
      this.#lane,
      this.#options.signal,
      (some, token, s) => this.#kind.describe(send, some, token, s),
      (page) => this.#kind.onPage(page, into),
      part,
    );
  }
}

interface RegionLookup<T> {
  readonly asked: Set<string>;
  readonly found: Map<string, T>;
  unknown: UnknownPart | undefined;
  work: Promise<void>;
}

/** `account/region` of a function ARN (`arn:partition:lambda:region:account:function:name`). */
export function regionKeyOfArn(arn: string): string {
  const [, , , region = '', account = ''] = arn.split(':');
  return `${account}/${region}`;
}

/**
 * An EC2 Describe call over `ids` in batches of `batch`, each batch paginated, on `lane`: `onPage`
 * takes each page's items and returns its next token. Stops at the first call refused or failed
 * after retries, and returns the unknown part that says so (undefined when every call succeeded).
 */
export async function describeInBatches<Page>(
  ids: readonly string[],
  batch: number,
  lane: QuotaLane,
  signal: AbortSignal,
  describe: (ids: readonly string[], token: string | undefined, signal: AbortSignal) => Promise<Page>,
  onPage: (page: Page) => string | undefined,
  part: { readonly path: string; readonly action: string },
): Promise<UnknownPart | undefined> {
  for (let i = 0; i < ids.length; i += batch) {
    const some = ids.slice(i, i + batch);
    let token: string | undefined;
    do {
      const next = token;
      const res = await lane.call((s) => describe(some, next, s), signal);
      if (!res.ok) {
        const error = errorInfo(res.error, res.attempts);
        return {
          path: part.path,
          reason: res.kind === 'denied' ? 'denied' : 'failed',
          detail: `${part.action} ${error.code}`,
        };
      }
      token = onPage(res.value);
    } while (token);
  }
  return undefined;
}
