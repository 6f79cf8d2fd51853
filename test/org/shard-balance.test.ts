// --shard K/N --shard-balance PREVIOUS: shards split by the previous run's function counts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balancedShards, inShard, shardOf, type PreviousRegion } from '../../src/org/shard.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const account = (i: number): string => String(400000000000 + i);
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/** One big account-region and many small ones of different sizes: hashing alone leaves shards far apart. */
const previous: PreviousRegion[] = [
  { account: account(0), region: 'us-east-1', listed: 3000 },
  ...Array.from({ length: 60 }, (_, i) => ({
    account: account(1 + Math.floor(i / 3)),
    region: REGIONS[i % 3]!,
    listed: 20 + ((i * 37) % 200),
  })),
];

const loads = (assigned: (key: PreviousRegion) => number, count: number): number[] => {
  const load = Array.from({ length: count }, () => 0);
  for (const r of previous) load[assigned(r) - 1]! += r.listed;
  return load;
};

describe('balancedShards', () => {
  it('puts every account-region in one shard and evens out the functions', () => {
    const assigned = balancedShards(previous, 4);
    expect(assigned.size).toBe(previous.length);
    expect(new Set(assigned.values())).toEqual(new Set([1, 2, 3, 4]));
    // The big account-region alone is a quarter of the fleet: the other shards share the rest evenly.
    const balanced = loads((r) => assigned.get(`${r.account}/${r.region}`)!, 4).sort((a, b) => a - b);
    const hashed = loads((r) => shardOf(r.account, r.region, 4), 4).sort((a, b) => a - b);
    expect(balanced[2]! - balanced[0]!).toBeLessThan(200);
    expect(balanced[3]! - balanced[0]!).toBeLessThan(hashed[3]! - hashed[0]!);
  });

  it('gives every shard the same split from the same snapshot, in whatever order it lists them', () => {
    const a = balancedShards(previous, 3);
    const b = balancedShards([...previous].reverse(), 3);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('hashes an account-region the previous run did not see', () => {
    const shard = { index: 2, count: 3, assigned: balancedShards(previous, 3) };
    const newcomer = account(999);
    expect(inShard(shard, newcomer, 'eu-west-1')).toBe(shardOf(newcomer, 'eu-west-1', 3) === 2);
    const seen = previous[5]!;
    expect(inShard(shard, seen.account, seen.region)).toBe(shard.assigned.get(`${seen.account}/${seen.region}`) === 2);
  });
});

describe('scan --shard-balance', () => {
  it('refuses a file that is not a snapshot, and goes only with --shard', async () => {
    const cwd = tempDir('la-balance-');
    writeFileSync(join(cwd, 'bad.json'), '{"findings": []}');
    writeFileSync(join(cwd, 'previous.json'), JSON.stringify({ regions: previous }));
    const args = ['scan', '--regions', 'us-east-1', '--endpoint', 'http://127.0.0.1:9', '--no-drift'];
    const bad = await runCli([...args, '--shard', '1/3', '--shard-balance', 'bad.json'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shard-balance: bad\.json is not a lambda-audit snapshot/);
    const alone = await runCli([...args, '--shard-balance', 'previous.json'], { cwd });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--shard-balance goes with --shard/);
  });
});
