// The simulator's control endpoints change the fleet from outside the process, and a drift scan
// through the CLI sees exactly those changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const env = {
  AWS_ACCESS_KEY_ID: 'AKIDADMIN',
  AWS_SECRET_ACCESS_KEY: 'admin',
  LAMBDA_AUDIT_ENV_HASH_KEY: 'admin-test-hash-key-0123456789',
};

describe('lambda-audit simulate', () => {
  it('serves the demo fleet until Ctrl-C, then exits 0', async () => {
    const result = await runCli(['simulate', '--port', '0', '--functions', '10'], { signalAfterMs: ['SIGINT', 2500] });
    expect(result.stderr).toMatch(
      /simulated Lambda API at http:\/\/127\.0\.0\.1:\d+: 10 functions in us-east-1, eu-west-1/,
    );
    expect(result.code).toBe(0);
  });
});

describe('simulator control endpoints', () => {
  it('patch, copy and delete functions; drift reports each', async () => {
    await withSimulator({ fleet: { functions: 6, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const cwd = tempDir('la-admin-');
      const base = ['--regions', 'us-east-1', '--endpoint', endpoint];
      expect((await runCli(['baseline', ...base, '--quiet'], { cwd, env })).code).toBe(0);
      const [a, b, c] = [...sim.fleet.get('us-east-1')!.keys()];
      const call = (method: string, name: string, body?: unknown) =>
        fetch(`${endpoint}/__simulator/functions/us-east-1/${name}`, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect(
        (await call('PATCH', a!, { configuration: { Timeout: 899, Description: null }, tags: { team: 'x' } })).status,
      ).toBe(200);
      expect((await call('POST', 'copied-fn', { copyOf: b })).status).toBe(201);
      expect((await call('DELETE', c!)).status).toBe(204);
      expect((await call('PATCH', 'no-such-fn', {})).status).toBe(404);
      expect(
        (await fetch(`${endpoint}/__simulator/functions/us-east-1/x`, { method: 'PATCH', body: '{not json' })).status,
      ).toBe(400);

      const scanned = await runCli(['scan', ...base, '--fail-on', 'none', '--output', 'json=r.json'], { cwd, env });
      expect(scanned.code).toBe(0);
      const drift = (
        JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as {
          drift: { functions: { functionName: string; kind: string; changes: { path: string }[] }[] };
        }
      ).drift.functions;
      const seen = drift.map((d) => `${d.kind} ${d.functionName} ${d.changes.map((x) => x.path).join(',')}`).sort();
      expect(seen.filter((s) => s.startsWith(`changed ${a}`))[0]).toMatch(
        /configuration\.Description,configuration\.Timeout,tags\./,
      );
      expect(seen).toContain('added copied-fn ');
      expect(seen).toContain(`removed ${c} `);
      expect(seen).toHaveLength(3);
    });
  });
});

describe('simulator listing fault', () => {
  it('fails every ListFunctions of one region, denied or with a 500 on every retry, until cleared', async () => {
    await withSimulator({ fleet: { functions: 4, regions: ['us-east-1', 'eu-west-1'] } }, async (sim, endpoint) => {
      const fault = (method: string, region: string, body?: unknown) =>
        fetch(`${endpoint}/__simulator/faults/list-functions/${region}`, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await fault('PUT', 'eu-west-1', { error: 'Throttled' })).status).toBe(400);
      expect((await fault('PUT', 'mars-north-1', {})).status).toBe(404);
      const regions = async () => {
        const r = await crawlSimulator(sim, endpoint);
        return Object.fromEntries(r.regions.map((x) => [x.region, x.error?.code ?? 'ok']));
      };
      for (const error of ['ServiceException', 'AccessDeniedException']) {
        expect((await fault('PUT', 'eu-west-1', { error })).status).toBe(204);
        expect(await regions()).toEqual({ 'us-east-1': 'ok', 'eu-west-1': error });
      }
      expect((await fault('DELETE', 'eu-west-1')).status).toBe(204);
      expect(await regions()).toEqual({ 'us-east-1': 'ok', 'eu-west-1': 'ok' });
    });
  }, 60_000);
});
