/**
 * `lambda-audit merge`: the snapshots of `scan --shard K/N` runs, checked to be shards of one run
 * (lambda-audit snapshots, under one hash key, no account-region in two of them) and combined in
 * the order an unsharded run writes. Evaluation, drift, suppressions and the gate then run once,
 * on the combined snapshot, as `scan --input` does: one rule set and one `--as-of` by construction.
 */
import { readFile } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import type { RegionStats, Snapshot } from '../snapshot/types.js';

interface ShardHead {
  readonly schemaVersion?: unknown;
  readonly envHashKeyId?: unknown;
  readonly tool?: { readonly version?: unknown };
  readonly regions?: readonly Pick<RegionStats, 'account' | 'region'>[];
}

/** Throws a usage error naming the files when they cannot be shards of one run. */
export async function checkShardSnapshots(files: readonly string[], labels: readonly string[]): Promise<void> {
  const seen = new Map<string, string>();
  const keys = new Map<string, string>();
  const versions = new Set<string>();
  for (const [i, file] of files.entries()) {
    const label = labels[i] ?? file;
    let head: ShardHead;
    try {
      head = JSON.parse(await readFile(file, 'utf8')) as ShardHead;
    } catch (error) {
      throw new AuditError('E_INPUT', `${label}: cannot read a snapshot: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (head === null || typeof head !== 'object' || head.schemaVersion === undefined || !Array.isArray(head.regions))
      throw new AuditError(
        'E_INPUT',
        `${label}: merge takes the snapshots of "scan --shard K/N --output snapshot=PATH", not a report or AWS CLI output`,
      );
    keys.set(String(head.envHashKeyId), label);
    versions.add(String(head.tool?.version));
    const regions: readonly Pick<RegionStats, 'account' | 'region'>[] = head.regions;
    for (const r of regions) {
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
  if (keys.size > 1)
    throw new AuditError(
      'E_INPUT',
      `the shards hash environment values under different keys (${[...keys].map(([k, f]) => `${f}: ${k}`).join(', ')}): run every shard with the same LAMBDA_AUDIT_ENV_HASH_KEY`,
    );
  if (versions.size > 1)
    throw new AuditError(
      'E_INPUT',
      `the shards were written by different lambda-audit versions (${[...versions].join(', ')}): run every shard with the same version`,
    );
}

/** Regions in the order a single run writes them (account, then region). */
export function mergedOrder(snapshot: Snapshot): Snapshot {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    ...snapshot,
    regions: [...snapshot.regions].sort((a, b) =>
      a.account === b.account ? cmp(a.region, b.region) : cmp(a.account, b.account),
    ),
  };
}
