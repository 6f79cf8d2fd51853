/**
 * bench/state.ts's measured side, in a fresh process: `load` reads (and validates) a state file and
 * saves it; `cycle` does what a nightly `scan --state` does with it: read, advance with the run's
 * findings, prune, save. Reports times and peak RSS.
 */
import { writeAll } from '../src/report/write.js';
import { readState, stateChunks } from '../src/state/file.js';
import { advanceState, pruneResolved } from '../src/state/state.js';
import { day, nightlyRun } from './state-data.js';

const [mode, file, countArg] = process.argv.slice(2) as ['load' | 'cycle', string, string];
// The run's findings are made before the clock starts: they are the scan's, not the state's.
const run = mode === 'cycle' ? nightlyRun(Number(countArg)) : undefined;
const baseRssMb = process.memoryUsage().rss / 1e6;
// CPU time too: on a shared machine the wall clock also counts the other processes' turns.
const cpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const t0 = performance.now();
const c0 = cpu();
const state = await readState(file);
const t1 = performance.now();
const c1 = cpu();
let next = state;
let resolved = 0;
if (run !== undefined) {
  const now = new Date(day(302));
  const advanced = advanceState(state, run.findings, run.judged, now);
  resolved = advanced.resolved.length;
  next = pruneResolved(advanced.state, now);
}
const t2 = performance.now();
const c2 = cpu();
await writeAll([{ path: file, content: stateChunks(next) }]);
const t3 = performance.now();
const c3 = cpu();
console.log(
  JSON.stringify({
    loadMs: t1 - t0,
    advanceMs: t2 - t1,
    saveMs: t3 - t2,
    loadCpuMs: c1 - c0,
    advanceCpuMs: c2 - c1,
    saveCpuMs: c3 - c2,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
    baseRssMb,
    entries: state.findings.size,
    nextEntries: next.findings.size,
    resolved,
  }),
);
