/**
 * `--shard K/N`: which account-regions this process crawls. Rendezvous (highest random weight)
 * hashing: each account-region goes to the shard whose hash with it is highest. It depends on the
 * account-region and N alone, so shards agree without talking to each other, every account-region
 * is in exactly one shard, and an account joining or leaving the organisation moves no other
 * account-region between shards. With `--shard-balance` (the previous run's snapshot), the
 * account-regions it saw are split by their function counts instead (`balancedShards`).
 */
import { createHash } from 'node:crypto';

export interface Shard {
  /** 1-based, as written on the command line (and as a Kubernetes completion index + 1). */
  readonly index: number;
  readonly count: number;
  /**
   * `--shard-balance SNAPSHOT`: the shard of each account-region the previous run saw
   * (`account/region` -> shard), balanced by its function count (`balancedShards`). Account-regions
   * it did not see go by rendezvous hashing.
   */
  readonly assigned?: ReadonlyMap<string, number>;
}

/** An account-region of a previous run and the functions it listed. */
export interface PreviousRegion {
  readonly account: string;
  readonly region: string;
  readonly listed: number;
}

/**
 * The previous run's account-regions spread over `count` shards so each crawls about as many
 * functions: largest first, each to the shard with the fewest functions so far (ties: the lower
 * shard). A shard's crawl time grows with its functions (GetFunction and GetPolicy per function)
 * and a little per account-region (the listing), so each weighs its count plus one. The result
 * depends on the previous snapshot and N alone, so every shard computes the same split from the
 * same file; accounts that joined since are hashed (`shardOf`), and those that left leave a gap.
 */
export function balancedShards(previous: readonly PreviousRegion[], count: number): Map<string, number> {
  const regions = [...new Map(previous.map((r) => [`${r.account}/${r.region}`, r.listed])).entries()].sort(
    ([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0),
  );
  const load = Array.from({ length: count }, () => 0);
  const assigned = new Map<string, number>();
  for (const [key, listed] of regions) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[best]!) best = i;
    load[best]! += listed + 1;
    assigned.set(key, best + 1);
  }
  return assigned;
}

export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count || count > 10_000)
    throw new Error(`expected K/N with 1 <= K <= N, for example 2/3, got "${value}"`);
  return { index, count };
}

/** The shard (1-based) an account-region belongs to among `count`. */
export function shardOf(account: string, region: string, count: number): number {
  let best = 1;
  let bestWeight = -1n;
  for (let i = 1; i <= count; i++) {
    const weight = createHash('sha256').update(`${account}/${region}#${i}`).digest().readBigUInt64BE(0);
    if (weight > bestWeight) [best, bestWeight] = [i, weight];
  }
  return best;
}

export function inShard(shard: Shard | undefined, account: string, region: string): boolean {
  if (shard === undefined) return true;
  return (shard.assigned?.get(`${account}/${region}`) ?? shardOf(account, region, shard.count)) === shard.index;
}
