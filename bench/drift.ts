/** Drift benchmark: 100,000 functions against their baseline, 5 % of them changed. */
import { baselinesFrom } from '../src/drift/baseline.js';
import { driftRegion, type FunctionDrift } from '../src/drift/diff.js';
import { driftFindings } from '../src/drift/findings.js';
import { loadDriftPolicy } from '../src/drift/policy.js';
import { fileRegionStats } from '../src/snapshot/build.js';
import type { FunctionRecord, Snapshot } from '../src/snapshot/types.js';
import { syntheticRecords } from './records.js';

export async function benchDrift(count = 100_000): Promise<string[]> {
  const records = syntheticRecords(count, 7);
  const snapshot = toSnapshot(records);
  const baselines = baselinesFrom(snapshot);
  // The live side: every 20th function changed (runtime, memory, an env hash, a subnet order).
  const live: FunctionRecord[] = records.map((r, i) => {
    if (i % 20 !== 0) return r;
    const c = structuredClone(r.configuration);
    c.MemorySize = (c.MemorySize ?? 128) * 2;
    if (i % 40 === 0) c.Runtime = 'python3.8';
    if (c.VpcConfig?.SubnetIds) c.VpcConfig.SubnetIds = [...c.VpcConfig.SubnetIds].reverse();
    return { ...r, configuration: c };
  });
  const policy = await loadDriftPolicy();
  const run = (): { drift: FunctionDrift[]; ms: number; findings: number } => {
    const t0 = performance.now();
    const drift = baselines.flatMap((b) =>
      driftRegion(b, live, { ignore: policy.ignore, compareEnvironmentValues: true }),
    );
    const findings = driftFindings(drift, policy).length;
    return { drift, ms: performance.now() - t0, findings };
  };
  run(); // warm-up
  const runs = [run(), run(), run()];
  const median = runs.map((r) => r.ms).sort((a, b) => a - b)[1] ?? 0;
  const changed = runs[0]?.drift.length ?? 0;
  console.error(`  drift: ${count} functions, ${changed} drifted: median ${median.toFixed(0)} ms`);
  return [
    '### Drift',
    '',
    '| functions | drifted | drift findings | median of 3 (ms) | functions/s | budget |',
    '|---:|---:|---:|---:|---:|---|',
    `| ${count.toLocaleString('en-US')} | ${changed.toLocaleString('en-US')} | ${(runs[0]?.findings ?? 0).toLocaleString('en-US')} | ${median.toFixed(0)} | ${Math.round((count / median) * 1000).toLocaleString('en-US')} | 3,000 ms |`,
    '',
  ];
}

function toSnapshot(records: FunctionRecord[]): Snapshot {
  const regions = fileRegionStats(records);
  return {
    schemaVersion: 1,
    tool: { name: 'lambda-audit', version: 'bench' },
    generatedAt: new Date(0).toISOString(),
    envHashKeyId: 'bench0000000',
    regions,
    functions: records,
  };
}
