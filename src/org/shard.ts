/**
 * `--shard K/N`: which account-regions this process crawls. Rendezvous (highest random weight)
 * hashing: each account-region goes to the shard whose hash with it is highest. It depends on the
 * account-region and N alone, so shards agree without talking to each other, every account-region
 * is in exactly one shard, and an account joining or leaving the organisation moves no other
 * account-region between shards.
 */
import { createHash } from 'node:crypto';

export interface Shard {
  /** 1-based, as written on the command line (and as a Kubernetes completion index + 1). */
  readonly index: number;
  readonly count: number;
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
  return shard === undefined || shardOf(account, region, shard.count) === shard.index;
}
