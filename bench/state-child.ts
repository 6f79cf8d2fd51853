/** bench/state.ts's measured side: load (and validate) a state file, save it; report times and peak RSS. */
import { writeAll } from '../src/report/write.js';
import { readState, stateChunks } from '../src/state/file.js';

const file = process.argv[2]!;
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
await writeAll([{ path: file, content: stateChunks(state) }]);
const t2 = performance.now();
const c2 = cpu();
console.log(
  JSON.stringify({
    loadMs: t1 - t0,
    saveMs: t2 - t1,
    loadCpuMs: c1 - c0,
    saveCpuMs: c2 - c1,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
    baseRssMb,
    entries: state.findings.size,
  }),
);
