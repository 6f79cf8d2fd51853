import type { CrawlResult } from '../crawl/crawler.js';
import type { EnvHashKey } from './redact.js';
import { SNAPSHOT_SCHEMA_VERSION, type FunctionRecord, type RegionStats, type Snapshot } from './types.js';

export function buildSnapshot(result: CrawlResult, key: EnvHashKey, toolVersion: string, generatedAt: Date): Snapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'lambda-audit', version: toolVersion },
    generatedAt: generatedAt.toISOString(),
    envHashKeyId: key.id,
    regions: [...result.regions].sort((a, b) => `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`)),
    functions: result.functions,
  };
}

/**
 * A crawl is incomplete when some listed function could not be fetched, a listing failed, a read
 * the rules need was refused or failed, or an account's roles could not be read.
 */
export function isComplete(snapshot: Pick<Snapshot, 'regions' | 'iam'>): boolean {
  return (
    snapshot.regions.every((r) => r.complete) &&
    (snapshot.iam ?? []).every((i) => i.unknown?.reason !== 'denied' && i.unknown?.reason !== 'failed')
  );
}

/**
 * Region stats for records read from files (AWS CLI JSON, templates, plans): nothing was crawled,
 * so each account-region is complete with every record fetched and no requests. In the order the
 * account-regions first appear.
 */
export function fileRegionStats(records: readonly FunctionRecord[], defaultAccount = 'unknown'): RegionStats[] {
  const groups = new Map<string, FunctionRecord[]>();
  for (const r of records) {
    const key = `${r.account}/${r.region}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((group) => ({
    account: group[0]?.account ?? defaultAccount,
    region: group[0]?.region ?? 'unknown',
    complete: true,
    listed: group.length,
    fetched: group.length,
    ...NOTHING_REQUESTED,
  }));
}

/** The counters of a region where no request was made: read from files, or not crawled at all. */
export const NOTHING_REQUESTED = {
  vanished: 0,
  denied: 0,
  failed: 0,
  versions: 0,
  throttled: 0,
  retries: 0,
  requests: 0,
  durationMs: 0,
} as const;
