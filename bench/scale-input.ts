/**
 * Writes a lambda-audit snapshot of N synthetic functions (the simulator's fleet generator, through
 * the crawl's record boundary) for the scale benchmark.
 * Usage: node --import tsx bench/scale-input.ts FILE N
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { SNAPSHOT_SCHEMA_VERSION, type RegionStats } from '../src/snapshot/types.js';
import { envHashKey } from '../src/snapshot/redact.js';
import { syntheticRecords } from './records.js';

/** Writes the snapshot record by record, so generating 100,000 functions needs no 300 MB string. */
export async function writeScaleInput(file: string, count: number): Promise<void> {
  const key = envHashKey(Buffer.from('bench-key-bench-key'));
  // Exposure read and found absent, as after a crawl: every rule can judge every record.
  const functions = syntheticRecords(count).map((r) => ({
    ...r,
    policy: r.policy ?? null,
    functionUrl: r.functionUrl ?? null,
    eventInvokeConfig: r.eventInvokeConfig ?? null,
  }));
  const groups = new Map<string, number>();
  for (const f of functions) groups.set(`${f.account}/${f.region}`, (groups.get(`${f.account}/${f.region}`) ?? 0) + 1);
  const regions: RegionStats[] = [...groups].sort().map(([id, n]) => {
    const [account = '', region = ''] = id.split('/');
    return {
      account,
      region,
      complete: true,
      listed: n,
      fetched: n,
      vanished: 0,
      denied: 0,
      failed: 0,
      versions: 0,
      throttled: 0,
      retries: 0,
      requests: n + Math.ceil(n / 50),
      durationMs: 0,
    };
  });
  const out = createWriteStream(file);
  const head = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'lambda-audit', version: 'bench' },
    generatedAt: '2026-01-01T00:00:00.000Z',
    envHashKeyId: key.id,
    regions,
  };
  out.write(`${JSON.stringify(head).slice(0, -1)},"functions":[`);
  for (const [i, f] of functions.entries()) {
    if (!out.write(`${i === 0 ? '' : ','}\n${JSON.stringify(f)}`)) await once(out, 'drain');
  }
  out.end(']}\n');
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: scale-input.ts FILE N');
  await writeScaleInput(file, Number(count ?? 100_000));
}
