/** Policy benchmark: 100,000 records through the built-in pack (evaluation only, records in memory). */
import { loadRuleSet } from '../src/policy/load.js';
import { evaluate } from '../src/rules/evaluate.js';
import { syntheticRecords } from './records.js';

export async function benchRules(count = 100_000): Promise<string[]> {
  const records = syntheticRecords(count);
  const rules = await loadRuleSet({ asOf: new Date('2026-11-22T00:00:00Z') });
  evaluate(records.slice(0, 2000), rules); // warm-up
  const runs: number[] = [];
  let findings = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    findings = evaluate(records, rules).findings.length;
    runs.push(performance.now() - t0);
  }
  const best = Math.min(...runs);
  const median = [...runs].sort((a, b) => a - b)[1] ?? best;
  console.error(
    `  rules: ${count} records x ${rules.length} rules: median ${median.toFixed(0)} ms, ${findings} findings`,
  );
  return [
    '### Policy evaluation',
    '',
    '| records | rules | findings | median of 3 (ms) | records/s | budget |',
    '|---:|---:|---:|---:|---:|---|',
    `| ${count.toLocaleString('en-US')} | ${rules.length} | ${findings.toLocaleString('en-US')} | ${median.toFixed(0)} | ${Math.round((count / median) * 1000).toLocaleString('en-US')} | 3,000 ms |`,
    '',
  ];
}
