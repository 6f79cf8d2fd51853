// --state against the simulator, through the CLI and the real SDK over HTTP, with the fleet
// changed between runs by the simulator's control endpoints: a function fixed, one added, one
// removed and brought back, and a region left out of run two (not judged: its findings stay).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseState } from '../../src/state/file.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const env = {
  AWS_ACCESS_KEY_ID: 'AKIDSTATE',
  AWS_SECRET_ACCESS_KEY: 'state',
  LAMBDA_AUDIT_ENV_HASH_KEY: 'state-test-hash-key-0123456789',
};
type Report = {
  summary: { sinceLastRun: { new: number; resolved: number; reopened: number } };
  findings: { ruleId: string; arn: string; functionName: string; region: string; status: string; firstSeen: string }[];
  resolved: { ruleId: string; arn: string }[];
};

describe('scan --state against the simulator', () => {
  it('three runs: first sightings kept, resolved only where judged, reopened counted', async () => {
    await withSimulator({ fleet: { functions: 8, regions: ['us-east-1', 'eu-west-1'] } }, async (_sim, endpoint) => {
      const cwd = tempDir('la-state-sim-');
      const scan = async (n: number, regions: string): Promise<Report> => {
        const r = await runCli(
          [
            'scan',
            '--regions',
            regions,
            '--endpoint',
            endpoint,
            '--no-drift',
            '--fail-on',
            'none',
            '--state',
            'state.json',
            '--output',
            `json=r${n}.json`,
            '--quiet',
          ],
          { cwd, env },
        );
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(readFileSync(join(cwd, `r${n}.json`), 'utf8')) as Report;
      };
      const call = (method: string, region: string, name: string, body?: unknown) =>
        fetch(`${endpoint}/__simulator/functions/${region}/${name}`, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      const one = await scan(1, 'us-east-1,eu-west-1');
      expect(one.findings.length).toBeGreaterThan(0);
      expect(one.findings.every((f) => f.status === 'new')).toBe(true);
      const east = one.findings.filter((f) => f.region === 'us-east-1');
      const west = one.findings.filter((f) => f.region === 'eu-west-1');
      expect(west.length).toBeGreaterThan(0);
      // Fixed: X-Ray tracing switched on. Removed: another function with findings.
      const fixed = east.find((f) => f.ruleId === 'tracing-disabled');
      expect(fixed, 'the simulated fleet has a function without tracing in us-east-1').toBeDefined();
      const removed = east.find((f) => f.functionName !== fixed!.functionName)!;
      expect(
        (
          await call('PATCH', 'us-east-1', fixed!.functionName, {
            configuration: { TracingConfig: { Mode: 'Active' } },
          })
        ).status,
      ).toBe(200);
      expect((await call('POST', 'us-east-1', 'added-fn', { copyOf: removed.functionName })).status).toBe(201);
      expect((await call('DELETE', 'us-east-1', removed.functionName)).status).toBe(204);

      // Run two: us-east-1 only; eu-west-1 is not judged, so nothing there is resolved.
      const two = await scan(2, 'us-east-1');
      const resolved = new Set(two.resolved.map((r) => `${r.ruleId} ${r.arn}`));
      expect(resolved.has(`tracing-disabled ${fixed!.arn}`)).toBe(true);
      expect(two.findings.some((f) => f.ruleId === 'tracing-disabled' && f.arn === fixed!.arn)).toBe(false);
      for (const f of one.findings.filter((x) => x.arn === removed.arn))
        expect(resolved.has(`${f.ruleId} ${f.arn}`)).toBe(true);
      expect(two.resolved.filter((r) => r.arn.includes(':eu-west-1:'))).toEqual([]);
      expect(two.findings.filter((f) => f.functionName === 'added-fn').every((f) => f.status === 'new')).toBe(true);
      expect(two.findings.filter((f) => f.functionName === 'added-fn').length).toBeGreaterThan(0);
      const state2 = parseState('state.json', readFileSync(join(cwd, 'state.json'), 'utf8'));
      for (const f of west) {
        const e = [...state2.findings.values()].find((x) => x.ruleId === f.ruleId && x.arn === f.arn);
        expect(e?.resolvedAt).toBeUndefined();
      }

      // Run three: both regions, the removed function back: reopened, first sighting kept.
      expect((await call('POST', 'us-east-1', removed.functionName, { copyOf: 'added-fn' })).status).toBe(201);
      const three = await scan(3, 'us-east-1,eu-west-1');
      const back = three.findings.filter((f) => f.arn === removed.arn);
      expect(back.length).toBeGreaterThan(0);
      for (const f of back) {
        expect(f.status).toBe('reopened');
        expect(f.firstSeen).toBe(
          one.findings.find((x) => x.arn === f.arn && x.ruleId === f.ruleId)?.firstSeen ?? f.firstSeen,
        );
      }
      expect(three.summary.sinceLastRun.reopened).toBe(back.length);
      expect(three.findings.filter((f) => f.region === 'eu-west-1').every((f) => f.status === 'open')).toBe(true);
    });
  }, 120_000);
});
