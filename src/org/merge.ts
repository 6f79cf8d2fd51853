/**
 * `lambda-audit merge`: the snapshots of `scan --shard K/N` runs, checked to be shards of one run
 * (lambda-audit snapshots of one version, under one hash key, every shard 1..N there once, no
 * account-region in two of them) and combined in the order an unsharded run writes. Evaluation,
 * drift, suppressions and the gate then run once, on the combined snapshot, as `scan --input`
 * does: one rule set and one `--as-of` by construction.
 *
 * A missing shard cannot be seen in the others' account-regions, so each shard's snapshot says
 * which shard it is (`shard`, set by `markShard`). Snapshots without it (written by a
 * lambda-audit from before, or not by a sharded crawl) are merged as before, with a warning
 * that completeness cannot be checked.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import type { RegionStats, ShardInfo, Snapshot } from '../snapshot/types.js';
import type { Shard } from './shard.js';

interface ShardHead {
  readonly schemaVersion?: unknown;
  readonly envHashKeyId?: unknown;
  readonly tool?: { readonly version?: unknown };
  readonly regions?: readonly Pick<RegionStats, 'account' | 'region'>[];
  readonly shard?: unknown;
}

/** A shard's snapshot says which shard it is, and which split (`--shard-balance`) it belongs to. */
export function markShard(snapshot: Snapshot, shard: Shard): Snapshot {
  return { ...snapshot, shard: shardInfo(shard) };
}

export function shardInfo(shard: Shard): ShardInfo {
  if (shard.assigned === undefined) return { index: shard.index, count: shard.count };
  // The assignment, not the file: two previous snapshots that split alike are the same split.
  const text = [...shard.assigned]
    .map(([where, k]) => `${where}=${k}`)
    .sort()
    .join('\n');
  return {
    index: shard.index,
    count: shard.count,
    balance: createHash('sha256').update(text).digest('hex').slice(0, 12),
  };
}

/**
 * Throws a usage error naming the files when they cannot be the shards of one run; `warn` hears
 * when completeness cannot be checked (snapshots that do not say which shard they are).
 */
export async function checkShardSnapshots(
  files: readonly string[],
  labels: readonly string[],
  warn: (line: string) => void = () => undefined,
): Promise<void> {
  const heads: { label: string; head: ShardHead }[] = [];
  for (const [i, file] of files.entries())
    heads.push({ label: labels[i] ?? file, head: await readHead(file, labels[i]) });
  const versions = new Set(heads.map((h) => String(h.head.tool?.version)));
  if (versions.size > 1)
    throw new AuditError(
      'E_INPUT',
      `the shards were written by different lambda-audit versions (${[...versions].join(', ')}): run every shard with the same version`,
    );
  const keys = new Map(heads.map((h) => [String(h.head.envHashKeyId), h.label]));
  if (keys.size > 1)
    throw new AuditError(
      'E_INPUT',
      `the shards hash environment values under different keys (${[...keys].map(([k, f]) => `${f}: ${k}`).join(', ')}): run every shard with the same LAMBDA_AUDIT_ENV_HASH_KEY`,
    );
  checkShardSet(
    heads.map((h) => ({ label: h.label, shard: h.head.shard })),
    warn,
  );
  const seen = new Map<string, string>();
  for (const { label, head } of heads)
    for (const r of head.regions ?? []) {
      const where = `${r.account}/${r.region}`;
      const other = seen.get(where);
      if (other !== undefined)
        throw new AuditError(
          'E_INPUT',
          `${label} and ${other} both hold ${where}: shards of one run never overlap (the same file twice, or shards of different --shard N)`,
        );
      seen.set(where, label);
    }
}

async function readHead(file: string, label = file): Promise<ShardHead> {
  let head: ShardHead;
  try {
    head = JSON.parse(await readFile(file, 'utf8')) as ShardHead;
  } catch (error) {
    throw new AuditError('E_INPUT', `${label}: cannot read a snapshot: ${(error as Error).message}`, { cause: error });
  }
  if (head === null || typeof head !== 'object' || head.schemaVersion === undefined || !Array.isArray(head.regions))
    throw new AuditError(
      'E_INPUT',
      `${label}: merge takes the snapshots of "scan --shard K/N --output snapshot=PATH", not a report or AWS CLI output`,
    );
  return head;
}

const USE = 'merge takes the N shards of one run, each once';

/**
 * Every shard 1..N of one N and one split, each once; or, from snapshots that do not say which
 * shard they are, a warning. A mix of the two is refused: a whole run's snapshot among shards.
 */
export function checkShardSet(
  inputs: readonly { label: string; shard: unknown }[],
  warn: (line: string) => void,
): void {
  const unmarked = inputs.filter((i) => i.shard === undefined).map((i) => i.label);
  const marked = inputs.flatMap((i) => (i.shard === undefined ? [] : [{ label: i.label, shard: parseInfo(i) }]));
  if (marked.length === 0) {
    warn(
      `lambda-audit: warning: ${unmarked.join(', ')} do not say which shard they are (snapshots of an older lambda-audit, or not of --shard K/N): merge cannot check that no shard is missing`,
    );
    return;
  }
  const name = (s: ShardInfo): string => `${s.index}/${s.count}`;
  if (unmarked.length > 0)
    throw new AuditError(
      'E_INPUT',
      `${unmarked.join(', ')} ${unmarked.length === 1 ? 'is not a shard' : 'are not shards'} (no "shard" field) but ${marked.map((m) => `${m.label} is ${name(m.shard)}`).join(', ')}: ${USE}; a whole run's snapshot needs no merge`,
    );
  const counts = new Set(marked.map((m) => m.shard.count));
  if (counts.size > 1)
    throw new AuditError(
      'E_INPUT',
      `shards of different N: ${marked.map((m) => `${m.label} is ${name(m.shard)}`).join(', ')}: ${USE}`,
    );
  const splits = new Set(marked.map((m) => m.shard.balance ?? 'hash'));
  if (splits.size > 1)
    throw new AuditError(
      'E_INPUT',
      `shards split differently: ${marked.map((m) => `${m.label} by ${m.shard.balance === undefined ? 'hash' : `--shard-balance (${m.shard.balance})`}`).join(', ')}: give every shard the same --shard-balance file, or none`,
    );
  const count = [...counts][0]!;
  const byIndex = new Map<number, string>();
  for (const m of marked) {
    const other = byIndex.get(m.shard.index);
    if (other !== undefined)
      throw new AuditError('E_INPUT', `shard ${name(m.shard)} is given twice (${other} and ${m.label}): ${USE}`);
    byIndex.set(m.shard.index, m.label);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    const got = [...byIndex.keys()].sort((a, b) => a - b).map((k) => `${k}/${count}`);
    throw new AuditError(
      'E_INPUT',
      `${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((k) => `${k}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: got ${got.join(', ')}; ${USE} (a failed shard job: run it again, then merge)`,
    );
  }
}

function parseInfo({ label, shard }: { label: string; shard: unknown }): ShardInfo {
  const s = shard as Partial<ShardInfo> | null;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    Number.isInteger(s.count) &&
    Number.isInteger(s.index) &&
    s.index! >= 1 &&
    s.index! <= s.count! &&
    (s.balance === undefined || typeof s.balance === 'string');
  if (!ok)
    throw new AuditError(
      'E_INPUT',
      `${label}: "shard" should be {"index": K, "count": N} with 1 <= K <= N, got ${JSON.stringify(shard)}`,
    );
  return s as ShardInfo;
}

/**
 * Regions in the order a single run writes them (account, then region). The snapshot is the one
 * `loadInputs` builds from the shards: it has no `shard` field, as the whole run's has none.
 */
export function mergedOrder(snapshot: Snapshot): Snapshot {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    ...snapshot,
    regions: [...snapshot.regions].sort((a, b) =>
      a.account === b.account ? cmp(a.region, b.region) : cmp(a.account, b.account),
    ),
  };
}
