// The role rules and exposure paths against what the simulator's fleet planted (src/simulator/roles.ts),
// through the whole CLI: the crawl reads IAM GetAccountAuthorizationDetails over HTTP, the rules
// judge each function on its role, and exposure-path ranks the public ones on powerful roles.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLE_RULES } from '../../src/simulator/roles.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';
import { countByRule, plantedRoleRules, score } from './ground-truth.js';

const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

interface JsonReport {
  findings: { ruleId: string; arn: string; severity: string; traits?: string[]; related?: { ruleId: string }[] }[];
  notJudged: { ruleId: string; path: string; reason: string; functions: string[] }[];
}

describe('role rules against the planted ground truth', () => {
  it('a scan of the simulator finds exactly the planted role findings, and ranks public admin functions first', async () => {
    await withSimulator(
      {
        fleet: { functions: 400, regions: ['us-east-1'] },
        quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 },
      },
      async (sim, endpoint) => {
        const cwd = tempDir('la-role-truth-');
        const result = await runCli(
          ['scan', '--quiet', '--no-drift', '--fail-on', 'none', '--output', 'json=r.json', '--output', 'html=r.html'],
          { cwd, env: { ...creds, AWS_ENDPOINT_URL_LAMBDA: endpoint } },
        );
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as JsonReport;
        const fns = [...sim.fleet.values()].flatMap((m) => [...m.values()]);
        const expected = plantedRoleRules(sim.fleet, new Set(fns.map((f) => f.configuration.FunctionArn ?? '')));
        const counts = countByRule(expected);
        for (const rule of ROLE_RULES) expect(counts[rule] ?? 0, rule).toBeGreaterThanOrEqual(1);
        const s = score(expected, report.findings, ROLE_RULES);
        expect({ fp: s.falsePositives, fn: s.falseNegatives }).toEqual({ fp: [], fn: [] });

        // The function on another account's role is not judged by the role rules, and says why.
        const otherAccount = fns
          .filter((f) => f.role?.expectedRole === 'other-account')
          .map((f) => f.configuration.FunctionArn);
        expect(otherAccount.length).toBeGreaterThan(0);
        const admin = report.notJudged.find((n) => n.ruleId === 'role-admin-access' && n.reason === 'other-account');
        expect(admin?.functions).toEqual(otherAccount);

        // Every public function on an admin or escalation role is a critical exposure path.
        const isPublic = (arn: string): boolean =>
          report.findings.some(
            (f) => f.arn === arn && (f.ruleId === 'function-public-access' || f.ruleId === 'function-url-public'),
          );
        const powerful = fns
          .filter((f) => f.role?.expectedRole === 'admin' || f.role?.expectedRole === 'escalation')
          .map((f) => f.configuration.FunctionArn ?? '')
          .filter(isPublic);
        expect(powerful.length).toBeGreaterThanOrEqual(5);
        const paths = new Map(report.findings.filter((f) => f.ruleId === 'exposure-path').map((f) => [f.arn, f]));
        for (const arn of powerful) {
          expect(paths.get(arn)?.severity, arn).toBe('critical');
          expect(paths.get(arn)?.related?.map((r) => r.ruleId)).toEqual(
            expect.arrayContaining([expect.stringMatching(/^role-(admin-access|privilege-escalation)$/)]),
          );
        }
        // Only reachable functions make a path.
        for (const arn of paths.keys())
          expect(
            isPublic(arn) || report.findings.some((f) => f.arn === arn && f.ruleId === 'function-cross-account-invoke'),
            arn,
          ).toBe(true);
        // The HTML report opens with them.
        const html = readFileSync(join(cwd, 'r.html'), 'utf8');
        expect(html.indexOf('<h2>Exposure paths</h2>')).toBeLessThan(html.indexOf('<h2>Summary</h2>'));
        expect(html).toContain('id="exposure-paths"');
      },
    );
  });
});
