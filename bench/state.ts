/**
 * Findings-state benchmark: a state of 500,000 findings (a year of nightly runs) loaded, validated
 * and saved, as a scan with --state does, in a fresh process so its peak RSS is the state's cost.
 * Budget: under 3 s and under 300 MB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAll } from '../src/report/write.js';
import { fingerprint } from '../src/rules/fingerprint.js';
import { SEVERITIES } from '../src/rules/types.js';
import { stateChunks } from '../src/state/file.js';
import { emptyState, type StateEntry } from '../src/state/state.js';

const RULES = ['runtime-deprecated', 'env-secret-suspected', 'tags-required', 'dlq-missing', 'vpc-single-az'];

export async function benchState(count = 500_000): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'la-bench-state-'));
  try {
    const file = join(dir, 'state.json');
    const findings = new Map<string, StateEntry>();
    const day = (d: number): string => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString();
    for (let i = 0; i < count; i++) {
      const arn = `arn:aws:lambda:us-east-1:${String(100000000000 + (i % 50)).padStart(12, '0')}:function:service-${i.toString(36)}-handler`;
      const ruleId = RULES[i % RULES.length]!;
      findings.set(fingerprint({ ruleId, arn }), {
        ruleId,
        arn,
        severity: SEVERITIES[i % SEVERITIES.length]!,
        firstSeen: day(i % 300),
        lastSeen: day(300),
        ...(i % 7 === 0 ? { resolvedAt: day(301) } : {}),
      });
    }
    const runs = Array.from({ length: 365 }, (_, d) => ({
      at: day(d),
      open: { critical: 1000, high: 20000, medium: 50000, low: 100000, info: 250000 },
      new: 10,
      resolved: 5,
      reopened: 1,
    }));
    await writeAll([{ path: file, content: stateChunks({ ...emptyState(), runs, findings }) }]);
    const bytes = statSync(file).size;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'bench/state-child.ts', file], { encoding: 'utf8' }),
    ) as {
      loadMs: number;
      saveMs: number;
      loadCpuMs: number;
      saveCpuMs: number;
      maxRssMb: number;
      baseRssMb: number;
      entries: number;
    };
    const total = (out.loadMs + out.saveMs) / 1000;
    const ok = total < 3 && out.maxRssMb < 300 && out.entries === count;
    console.error(
      `  state: ${count} findings, load ${out.loadMs.toFixed(0)} ms (cpu ${out.loadCpuMs.toFixed(0)}), save ${out.saveMs.toFixed(0)} ms (cpu ${out.saveCpuMs.toFixed(0)}), peak ${out.maxRssMb.toFixed(0)} MB`,
    );
    return [
      '### Findings state (--state)',
      '',
      '| findings | file MB | load+validate ms (CPU) | save ms (CPU) | total s | peak RSS MB (process) | budget |',
      '|---:|---:|---:|---:|---:|---:|---|',
      `| ${count} | ${(bytes / 1e6).toFixed(0)} | ${out.loadMs.toFixed(0)} (${out.loadCpuMs.toFixed(0)}) | ${out.saveMs.toFixed(0)} (${out.saveCpuMs.toFixed(0)}) | ${total.toFixed(2)} | ${out.maxRssMb.toFixed(0)} (${out.baseRssMb.toFixed(0)} before loading) | < 3 s, < 300 MB: ${ok ? 'met' : '**missed**'} |`,
      '',
      'A fresh process reads the file, validates it against schemas/state.schema.json, then writes it back atomically (temp file, rename), as `scan --state` does around a run.',
      '',
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
