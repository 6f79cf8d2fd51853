// --state over three runs against the simulator, once as one scan per run and once as `scan
// --shard K/2` + `merge --state` per run, on the same fleet: a function fixed, one added, one
// removed and brought back, and eu-west-1's listing failing in run two (the simulator's listing
// fault: its findings are left as they were, not resolved). The merged state is the one-run state.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseState } from '../../src/state/file.js';
import type { FindingsState } from '../../src/state/state.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const env = {
  AWS_ACCESS_KEY_ID: 'AKIDSTATESHARD',
  AWS_SECRET_ACCESS_KEY: 'state',
  LAMBDA_AUDIT_ENV_HASH_KEY: 'state-shard-test-hash-key-0123456789',
};
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
type Report = {
  summary: { sinceLastRun: { new: number; resolved: number; reopened: number } };
  findings: { ruleId: string; arn: string; functionName: string; region: string; status: string; firstSeen: string }[];
  resolved: { ruleId: string; arn: string }[];
};
const COMMON = ['--no-drift', '--fail-on', 'none', '--quiet'];

/** The state with each date replaced by the number of the run that wrote it: comparable across chains. */
function byRun(state: FindingsState): unknown {
  const run = new Map(state.runs.map((r, i) => [r.at, `run ${i + 1}`]));
  const at = (d: string | undefined): string | undefined => (d === undefined ? undefined : (run.get(d) ?? `? ${d}`));
  return {
    runs: state.runs.map((r) => ({ ...r, at: at(r.at) })),
    findings: Object.fromEntries(
      [...state.findings].map(([id, e]) => [
        id,
        { ...e, firstSeen: at(e.firstSeen), lastSeen: at(e.lastSeen), resolvedAt: at(e.resolvedAt) },
      ]),
    ),
  };
}

describe('scan --state, and --shard + merge --state, against the simulator', () => {
  it('three runs with a region failing in run two: the same history either way', async () => {
    await withSimulator({ fleet: { functions: 6, regions: REGIONS } }, async (_sim, endpoint) => {
      const cwd = tempDir('la-state-shard-');
      const read = (file: string): string => readFileSync(join(cwd, file), 'utf8');
      const crawl = ['--regions', REGIONS.join(','), '--endpoint', endpoint];
      const whole = async (n: number, code: number): Promise<Report> => {
        const r = await runCli(
          ['scan', ...crawl, ...COMMON, '--state', 'whole-state.json', '--output', `json=w${n}.json`],
          { cwd, env },
        );
        expect(r.code, r.stderr).toBe(code);
        return JSON.parse(read(`w${n}.json`)) as Report;
      };
      const sharded = async (n: number, code: number): Promise<Report> => {
        for (const k of [1, 2]) {
          const r = await runCli(
            ['scan', ...crawl, ...COMMON, '--shard', `${k}/2`, '--output', `snapshot=r${n}-s${k}.json`],
            { cwd, env },
          );
          expect(r.code, r.stderr).toBeOneOf([0, 3]);
        }
        const r = await runCli(
          [
            'merge',
            `r${n}-s1.json`,
            `r${n}-s2.json`,
            ...COMMON,
            '--state',
            'merged-state.json',
            '--output',
            `json=m${n}.json`,
          ],
          { cwd, env },
        );
        expect(r.code, r.stderr).toBe(code);
        return JSON.parse(read(`m${n}.json`)) as Report;
      };
      const state = (file: string): FindingsState => parseState(file, read(file));
      const admin = (method: string, path: string, body?: unknown) =>
        fetch(`${endpoint}/__simulator/${path}`, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      // Run one: everything new.
      const one = [await whole(1, 0), await sharded(1, 0)];
      for (const r of one) {
        expect(r.findings.length).toBeGreaterThan(0);
        expect(r.findings.every((f) => f.status === 'new')).toBe(true);
      }
      const first = one[0]!;
      const east = first.findings.filter((f) => f.region === 'us-east-1');
      const west = first.findings.filter((f) => f.region === 'eu-west-1');
      expect(west.length, 'the simulated fleet has findings in eu-west-1').toBeGreaterThan(0);
      const fixed = east.find((f) => f.ruleId === 'tracing-disabled');
      expect(fixed, 'the simulated fleet has a function without tracing in us-east-1').toBeDefined();
      const removed = east.find((f) => f.functionName !== fixed!.functionName)!;
      // Between runs one and two: one fixed, one added, one removed, and eu-west-1 cannot be listed.
      const fn = (region: string, name: string) => `functions/${region}/${name}`;
      expect(
        (
          await admin('PATCH', fn('us-east-1', fixed!.functionName), {
            configuration: { TracingConfig: { Mode: 'Active' } },
          })
        ).status,
      ).toBe(200);
      expect((await admin('POST', fn('us-east-1', 'added-fn'), { copyOf: removed.functionName })).status).toBe(201);
      expect((await admin('DELETE', fn('us-east-1', removed.functionName))).status).toBe(204);
      expect((await admin('PUT', 'faults/list-functions/eu-west-1', { error: 'AccessDeniedException' })).status).toBe(
        204,
      );

      // Run two: incomplete (exit 3); us-east-1 judged, eu-west-1 not.
      const two = [await whole(2, 3), await sharded(2, 3)];
      for (const [i, r] of two.entries()) {
        const resolved = new Set(r.resolved.map((x) => `${x.ruleId} ${x.arn}`));
        expect(resolved.has(`tracing-disabled ${fixed!.arn}`), `chain ${i}`).toBe(true);
        for (const f of first.findings.filter((x) => x.arn === removed.arn))
          expect(resolved.has(`${f.ruleId} ${f.arn}`)).toBe(true);
        expect(r.resolved.filter((x) => x.arn.includes(':eu-west-1:'))).toEqual([]);
        const added = r.findings.filter((f) => f.functionName === 'added-fn');
        expect(added.length).toBeGreaterThan(0);
        expect(added.every((f) => f.status === 'new')).toBe(true);
        expect(r.findings.filter((f) => f.region === 'eu-west-1')).toEqual([]);
        expect(r.summary.sinceLastRun.resolved).toBe(r.resolved.length);
      }
      for (const file of ['whole-state.json', 'merged-state.json']) {
        const entries = [...state(file).findings.values()];
        for (const f of west) {
          const e = entries.find((x) => x.ruleId === f.ruleId && x.arn === f.arn);
          expect(e, `${file}: ${f.ruleId} ${f.arn}`).toBeDefined();
          expect(e!.resolvedAt, `${file}: ${f.ruleId} ${f.arn} is unknown, not fixed`).toBeUndefined();
          expect(e!.firstSeen).toBe(state(file).runs[0]!.at);
        }
      }

      // Run three: listing back, the removed function back: reopened with its first sighting kept.
      expect((await admin('DELETE', 'faults/list-functions/eu-west-1')).status).toBe(204);
      expect((await admin('POST', fn('us-east-1', removed.functionName), { copyOf: 'added-fn' })).status).toBe(201);
      const three = [await whole(3, 0), await sharded(3, 0)];
      for (const [i, r] of three.entries()) {
        const back = r.findings.filter((f) => f.arn === removed.arn);
        expect(back.length).toBeGreaterThan(0);
        const firstOf = one[i]!.findings;
        for (const f of back) {
          expect(f.status).toBe('reopened');
          expect(f.firstSeen).toBe(firstOf.find((x) => x.arn === f.arn && x.ruleId === f.ruleId)!.firstSeen);
        }
        expect(r.summary.sinceLastRun.reopened).toBe(back.length);
        const again = r.findings.filter((f) => f.region === 'eu-west-1');
        expect(again.length).toBe(west.length);
        expect(again.every((f) => f.status === 'open')).toBe(true);
      }

      // The merged state is the one-run state, run for run.
      expect(byRun(state('merged-state.json'))).toEqual(byRun(state('whole-state.json')));
      expect(state('whole-state.json').runs.map((r) => [r.new, r.resolved, r.reopened])[2]![2]).toBeGreaterThan(0);
    });
  }, 400_000);
});
