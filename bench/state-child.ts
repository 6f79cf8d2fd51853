/** bench/state.ts's measured side: load (and validate) a state file, save it; report times and peak RSS. */
import { writeAll } from '../src/report/write.js';
import { readState, stateChunks } from '../src/state/file.js';

const file = process.argv[2]!;
const baseRssMb = process.memoryUsage().rss / 1e6;
const t0 = performance.now();
const state = await readState(file);
const t1 = performance.now();
await writeAll([{ path: file, content: stateChunks(state) }]);
const t2 = performance.now();
console.log(
  JSON.stringify({
    loadMs: t1 - t0,
    saveMs: t2 - t1,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
    baseRssMb,
    entries: state.findings.size,
  }),
);
