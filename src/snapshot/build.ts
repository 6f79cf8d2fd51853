import type { CrawlResult } from '../crawl/crawler.js';
import type { EnvHashKey } from './redact.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from './types.js';

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

/** A crawl is incomplete when some listed function could not be fetched, or a listing failed. */
export function isComplete(snapshot: Pick<Snapshot, 'regions'>): boolean {
  return snapshot.regions.every((r) => r.complete);
}
