// Verdicts worked out ahead (src/rules/ahead.ts): the evaluation that takes them finds what one
// that judges every record afresh finds; a rule that reads the fleet on a record, and a record
// replaced after it was judged, are judged again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEc2Client, createLogsClient } from '../../src/crawl/client.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { VerdictsAhead } from '../../src/rules/ahead.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { CompiledRule } from '../../src/rules/types.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';
import { repoRoot } from '../helpers/cli.js';
import { AS_OF, record } from '../helpers/rule-tester.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';

const fixture = (
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/report/snapshot.json'), 'utf8')) as {
    functions: FunctionRecord[];
  }
).functions;

function judgedAhead(records: readonly FunctionRecord[], rules: readonly CompiledRule[]): VerdictsAhead {
  const ahead = new VerdictsAhead(rules);
  for (const r of records) ahead.add(r);
  return ahead;
}

/** A rule that fires on every record while the fleet holds more than `over` records. */
function fleetRule(over: number): CompiledRule {
  return {
    id: 'fleet-size',
    title: 'fleet size',
    severity: 'low',
    description: '',
    remediation: '',
    docs: '',
    source: 'test',
    inScope: () => true,
    test: (_record, fleet) => ((fleet?.records.length ?? 0) > over ? {} : undefined),
    message: (r) => `fleet of ${r.name}`,
  };
}

describe('verdicts worked out ahead', () => {
  it('give the findings and not-judged parts of a fresh evaluation (built-in rules, report fixture)', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    const ahead = judgedAhead(fixture, rules);
    expect(ahead.records).toBe(fixture.length);
    expect(evaluate(fixture, rules, { ahead })).toEqual(evaluate(fixture, rules));
  });

  it('give the same on a crawled fleet with every bulk read attached', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
    const fleet = {
      functions: 200,
      regions: ['us-east-1'],
      managedInstances: true,
      logGroups: true,
      eventSources: true,
    };
    const quotas = { getFunction: 2000, controlPlane: 500, getPolicy: 500 };
    const result = await withSimulator({ fleet, quotas }, (sim, endpoint) =>
      crawlSimulator(sim, endpoint, {
        quotas,
        ec2ClientFor: (region) => createEc2Client({ region, endpoint, maxSockets: 4, credentials }),
        logsClientFor: (region) => createLogsClient({ region, endpoint, maxSockets: 4, credentials }),
      }),
    );
    const fresh = evaluate(result.functions, rules);
    expect(fresh.findings.length).toBeGreaterThan(100);
    expect(evaluate(result.functions, rules, { ahead: judgedAhead(result.functions, rules) })).toEqual(fresh);
  });

  it('leave a rule that reads the fleet to the evaluation', () => {
    const rules = [fleetRule(1)];
    const one = record({ name: 'one' });
    const two = record({ name: 'two' });
    // Judged ahead alone, the rule sees an empty fleet; the evaluation sees two records.
    const ahead = judgedAhead([one], rules);
    expect(ahead.of(one)?.[ahead.indexOf(rules[0]!)]).toBeUndefined();
    expect(evaluate([one, two], rules, { ahead }).findings.map((f) => f.functionName)).toEqual(['one', 'two']);
  });

  it('keep a verdict by the record object: a record replaced since is judged again', async () => {
    const rules = (await loadRuleSet({ asOf: AS_OF })).filter((r) => r.id === 'runtime-deprecated');
    expect(rules).toHaveLength(1);
    const old = record({ name: 'f', configuration: { Runtime: 'python3.8' } });
    const ahead = judgedAhead([old], rules);
    expect(evaluate([old], rules, { ahead }).findings).toHaveLength(1);
    const updated = record({ name: 'f', configuration: { Runtime: 'python3.13' } });
    expect(evaluate([updated], rules, { ahead }).findings).toEqual([]);
  });

  it('take the verdicts worked out ahead instead of judging again', () => {
    let calls = 0;
    const rule: CompiledRule = { ...fleetRule(0), test: () => (calls++, { n: 1 }) };
    const one = record({ name: 'one' });
    const ahead = judgedAhead([one], [rule]);
    expect(calls).toBe(1);
    expect(evaluate([one], [rule], { ahead }).findings).toHaveLength(1);
    expect(calls).toBe(1);
  });
});
