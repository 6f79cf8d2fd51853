// The exposure rules and dlq-missing against what the simulator's fleet planted, through the whole
// CLI (crawl, evaluate, JSON and SARIF): precision and recall 1.0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPOSURE_RULES } from '../../src/simulator/exposure.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { countByRule, planted, score } from './ground-truth.js';
import { tempDir } from '../helpers/temp.js';

const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

interface JsonReport {
  findings: { ruleId: string; arn: string }[];
  notJudged?: { ruleId: string; count: number }[];
}
interface SarifLog {
  runs: { results: { ruleId: string; properties: { arn: string } }[] }[];
}
interface SnapshotFile {
  functions: { arn: string; status: string }[];
}

describe('exposure rules against the planted ground truth', () => {
  it('a scan of the simulator finds exactly what was planted, in JSON and SARIF', async () => {
    await withSimulator(
      {
        fleet: { functions: 400, regions: ['us-east-1'] },
        quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 },
      },
      async (sim, endpoint) => {
        const cwd = tempDir('la-truth-');
        const result = await runCli(
          [
            'scan',
            '--quiet',
            '--no-drift',
            '--fail-on',
            'none',
            '--output',
            'json=r.json',
            '--output',
            'sarif=r.sarif',
            '--output',
            'snapshot=s.json',
          ],
          { cwd, env: { ...creds, AWS_ENDPOINT_URL_LAMBDA: endpoint } },
        );
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as SnapshotFile;
        const expected = planted(
          sim.fleet,
          new Set(snapshot.functions.filter((f) => f.status === 'ok').map((f) => f.arn)),
        );
        // The fleet plants every rule several times.
        const counts = countByRule(expected);
        for (const rule of EXPOSURE_RULES) expect(counts[rule] ?? 0, rule).toBeGreaterThanOrEqual(3);

        const json = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as JsonReport;
        const fromJson = score(expected, json.findings);
        expect(fromJson).toEqual({ precision: 1, recall: 1, falsePositives: [], falseNegatives: [] });
        const sarif = JSON.parse(readFileSync(join(cwd, 'r.sarif'), 'utf8')) as SarifLog;
        const fromSarif = score(
          expected,
          sarif.runs[0]!.results.map((r) => ({ ruleId: r.ruleId, arn: r.properties.arn })),
        );
        expect(fromSarif).toEqual({ precision: 1, recall: 1, falsePositives: [], falseNegatives: [] });
        // Every function was judged: the reads the crawler skipped were ones no rule needed.
        const rules = new Set<string>(EXPOSURE_RULES);
        expect((json.notJudged ?? []).filter((n) => rules.has(n.ruleId))).toEqual([]);
      },
    );
  });
});
