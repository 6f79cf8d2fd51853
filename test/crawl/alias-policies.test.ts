// Issue 21: with --include-versions each alias's own policy (GetPolicy with a qualifier) is read
// and judged by the exposure rules, and the finding names the alias ARN. Through the whole CLI
// against the simulator, whose fleet plants alias permissions with known expected findings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';
import { planted, score } from './ground-truth.js';

const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

interface JsonReport {
  findings: { ruleId: string; arn: string; qualifier: string }[];
}
interface SnapshotFile {
  functions: { arn: string; status: string; source: string; qualifier: string; policy?: unknown }[];
}

describe('alias policies (--include-versions)', () => {
  it('reads each alias policy and reports exactly what was planted on the alias ARNs', async () => {
    await withSimulator(
      {
        fleet: { functions: 300, regions: ['us-east-1'] },
        quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 },
      },
      async (sim, endpoint) => {
        const cwd = tempDir('la-alias-');
        const result = await runCli(
          [
            'scan',
            '--quiet',
            '--no-drift',
            '--include-versions',
            '--fail-on',
            'none',
            '--output',
            'json=r.json',
            '--output',
            'snapshot=s.json',
          ],
          { cwd, env: { ...creds, AWS_ENDPOINT_URL_LAMBDA: endpoint } },
        );
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as SnapshotFile;
        const aliasRecords = snapshot.functions.filter((f) => f.source === 'ListAliases');
        const aliasCount = [...sim.fleet.values()]
          .flatMap((m) => [...m.values()])
          .reduce((n, f) => n + f.aliases.length, 0);
        expect(aliasRecords).toHaveLength(aliasCount);
        for (const a of aliasRecords) expect(a.arn.endsWith(`:${a.qualifier}`)).toBe(true);
        // Every live alias carries a policy of its own; canary aliases none.
        expect(aliasRecords.filter((a) => a.qualifier === 'live').every((a) => a.policy !== null)).toBe(true);
        expect(aliasRecords.filter((a) => a.qualifier === 'canary').every((a) => a.policy === null)).toBe(true);

        const aliasArns = new Set(aliasRecords.map((a) => a.arn));
        const expected = planted(sim.fleet, aliasArns);
        expect(expected.size).toBeGreaterThanOrEqual(6);
        const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as JsonReport;
        const onAliases = report.findings.filter((f) => aliasArns.has(f.arn));
        // Only the rules that read the policy judge an alias record.
        expect(new Set(onAliases.map((f) => f.ruleId))).toEqual(
          new Set(['function-public-access', 'function-cross-account-invoke']),
        );
        const s = score(expected, onAliases);
        expect(s.falsePositives).toEqual([]);
        expect(s.falseNegatives).toEqual([]);
      },
    );
  }, 120_000);
});
