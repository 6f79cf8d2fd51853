/**
 * Findings-state benchmark: a state of 500,000 findings (a year of nightly runs) loaded, validated
 * and saved, as a scan with --state does, in a fresh process so its peak RSS is the state's cost.
 * Budget: under 3 s and under 300 MB. Beside it, unbudgeted, a whole nightly cycle: load, advance
 * with 500,000 findings of a run (most seen before, some new, some gone), prune, save.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAll } from '../src/report/write.js';
import { stateChunks } from '../src/state/file.js';
import { emptyState } from '../src/state/state.js';
import { day, stateEntries } from './state-data.js';

interface ChildResult {
  loadMs: number;
  advanceMs: number;
  saveMs: number;
  loadCpuMs: number;
  advanceCpuMs: number;
  saveCpuMs: number;
  maxRssMb: number;
  baseRssMb: number;
  entries: number;
  nextEntries: number;
  resolved: number;
}

function child(mode: 'load' | 'cycle', file: string, count: number): ChildResult {
  return JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', 'bench/state-child.ts', mode, file, String(count)], {
      encoding: 'utf8',
    }),
  ) as ChildResult;
}

export async function benchState(count = 500_000): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'la-bench-state-'));
  try {
    const file = join(dir, 'state.json');
    const runs = Array.from({ length: 365 }, (_, d) => ({
      at: day(d),
      open: { critical: 1000, high: 20000, medium: 50000, low: 100000, info: 250000 },
      new: 10,
      resolved: 5,
      reopened: 1,
    }));
    await writeAll([
      { path: file, content: stateChunks({ ...emptyState(), runs, findings: new Map(stateEntries(count)) }) },
    ]);
    const bytes = statSync(file).size;
    const digest = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');
    const written = digest();
    const out = child('load', file, count);
    // Saved as it was read: the same bytes.
    const sameBytes = digest() === written;
    const cycleFile = join(dir, 'cycle.json');
    copyFileSync(file, cycleFile);
    const cycle = child('cycle', cycleFile, count);
    const total = (out.loadMs + out.saveMs) / 1000;
    const ok = total < 3 && out.maxRssMb < 300 && out.entries === count && sameBytes;
    const cycleMs = cycle.loadMs + cycle.advanceMs + cycle.saveMs;
    const cycleCpuMs = cycle.loadCpuMs + cycle.advanceCpuMs + cycle.saveCpuMs;
    console.error(
      `  state: ${count} findings, load ${out.loadMs.toFixed(0)} ms (cpu ${out.loadCpuMs.toFixed(0)}), save ${out.saveMs.toFixed(0)} ms (cpu ${out.saveCpuMs.toFixed(0)}), peak ${out.maxRssMb.toFixed(0)} MB`,
    );
    console.error(
      `  state nightly cycle: load ${cycle.loadMs.toFixed(0)} ms, advance+prune ${cycle.advanceMs.toFixed(0)} ms, save ${cycle.saveMs.toFixed(0)} ms, total ${cycleMs.toFixed(0)} ms (cpu ${cycleCpuMs.toFixed(0)}), peak ${cycle.maxRssMb.toFixed(0)} MB; ${cycle.resolved} resolved, ${cycle.nextEntries} entries after`,
    );
    return [
      '### Findings state (--state)',
      '',
      '| findings | file MB | load+validate ms (CPU) | save ms (CPU) | total s | peak RSS MB (process) | budget |',
      '|---:|---:|---:|---:|---:|---:|---|',
      `| ${count} | ${(bytes / 1e6).toFixed(0)} | ${out.loadMs.toFixed(0)} (${out.loadCpuMs.toFixed(0)}) | ${out.saveMs.toFixed(0)} (${out.saveCpuMs.toFixed(0)}) | ${total.toFixed(2)} | ${out.maxRssMb.toFixed(0)} (${out.baseRssMb.toFixed(0)} before loading) | < 3 s, < 300 MB: ${ok ? 'met' : '**missed**'} |`,
      '',
      `A fresh process reads the file, validates it against schemas/state.schema.json, then writes it back atomically (temp file, rename), as \`scan --state\` does around a run; the file written is ${sameBytes ? 'the same bytes as the one read' : '**not the same bytes as the one read**'}.`,
      '',
      '| nightly cycle | load ms | advance+prune ms | save ms | total ms (CPU) | peak RSS MB (process) | resolved | entries after |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      `| ${count} findings of a run | ${cycle.loadMs.toFixed(0)} | ${cycle.advanceMs.toFixed(0)} | ${cycle.saveMs.toFixed(0)} | ${cycleMs.toFixed(0)} (${cycleCpuMs.toFixed(0)}) | ${cycle.maxRssMb.toFixed(0)} (${cycle.baseRssMb.toFixed(0)} with the run's findings, before loading) | ${cycle.resolved} | ${cycle.nextEntries} |`,
      '',
      "A fresh process holding a run's 500,000 findings (one in fifty of the state's gone, as many new) reads the state, advances it (`advanceState`), prunes it (`pruneResolved`) and writes it, as a nightly `scan --state` does; no budget.",
      '',
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
