// scan's warm-up (src/cli/scan-finish.ts): the rules run over the crawl's first records while the
// crawl goes, and what they find is dropped; the records are left as they were, and a warm-up
// stops once the crawl is over.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { warmUp } from '../../src/cli/scan-finish.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';
import { repoRoot } from '../helpers/cli.js';
import { AS_OF } from '../helpers/rule-tester.js';

const records = (
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/report/snapshot.json'), 'utf8')) as {
    functions: FunctionRecord[];
  }
).functions;

describe('warmUp', () => {
  it('runs the rules over the sample and leaves its records as they were', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    const sample = structuredClone(records);
    await warmUp(sample, rules, () => false);
    expect(sample).toEqual(records);
    // The same rules over the same records still give the findings they gave before.
    expect(evaluate(sample, rules)).toEqual(evaluate(structuredClone(records), rules));
  });

  it('asks before every round, and stops at once when the crawl is over', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    let asked = 0;
    await warmUp(records, rules, () => (asked++, false));
    expect(asked).toBe(4);
    asked = 0;
    await warmUp(records, rules, () => (asked++, true));
    expect(asked).toBe(1);
  });
});
