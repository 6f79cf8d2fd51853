/**
 * One hostile `--iac` input in a process of its own (bench/iac.ts `benchIacHostile`), so its peak
 * memory is its own: loads and judges PATH, prints `{ ms, maxRssMb, functions, outcome }`.
 */
import { loadIac } from '../src/iac/load.js';
import { evaluateSnapshot } from '../src/iac/variants.js';
import { loadRuleSet } from '../src/policy/load.js';
import { envHashKey } from '../src/snapshot/redact.js';

const [dir, path] = process.argv.slice(2) as [string, string];
const key = envHashKey(Buffer.from('bench-key-0123456789'));
const rules = await loadRuleSet({ builtin: true, asOf: new Date('2026-11-22T00:00:00Z'), cwd: process.cwd() });
const t0 = performance.now();
let functions = 0;
let outcome = 'judged';
try {
  const snapshot = await loadIac([path], {
    cwd: dir,
    key: () => Promise.resolve(key),
    parameters: new Map(),
    defaultRegion: 'us-east-1',
    toolVersion: 'bench',
    now: new Date(),
    log: (line) => (outcome = `judged; ${line.slice(0, 90)}`),
  });
  functions = snapshot.functions.length;
  evaluateSnapshot(snapshot, rules);
} catch (error) {
  outcome = `exit 2: ${(error as Error).message.slice(0, 90)}`;
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, functions, outcome }));
