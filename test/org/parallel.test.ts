// The global bound on account-regions crawled at once (--parallel): with 1, crawls never overlap,
// so their durations add up to less than the run's wall time; without the bound they would overlap
// and add up to several times it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

describe('--parallel', () => {
  it('--parallel 1 crawls one account-region at a time, every one of them', async () => {
    const ids = ['400000000001', '400000000002', '400000000003', '400000000004'];
    await withSimulator(
      {
        latencyMs: 300,
        fleet: { functions: 1, regions: REGIONS, account: ids[0]! },
        otherAccounts: Object.fromEntries(ids.slice(1).map((id) => [id, { functions: 1, regions: REGIONS }])),
        accounts: Object.fromEntries(ids.map((id) => [`AKID${id}`, id])),
      },
      async (_sim, endpoint) => {
        const cwd = tempDir('la-parallel-');
        writeFileSync(
          join(cwd, 'credentials'),
          ids.map((id) => `[p${id}]\naws_access_key_id = AKID${id}\naws_secret_access_key = x\n`).join('\n'),
        );
        const started = Date.now();
        const result = await runCli(
          [
            'scan',
            ...ids.flatMap((id) => ['--profile', `p${id}`]),
            '--regions',
            REGIONS.join(','),
            '--endpoint',
            endpoint,
            '--parallel',
            '1',
            '--no-drift',
            '--fail-on',
            'none',
            '--output',
            'snapshot=s.json',
          ],
          {
            cwd,
            env: {
              AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'credentials'),
              LAMBDA_AUDIT_ENV_HASH_KEY: 'parallel-test-key-0123',
            },
          },
        );
        const wall = Date.now() - started;
        expect(result.code, result.stderr).toBe(0);
        const snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as {
          regions: { durationMs: number; complete: boolean }[];
          functions: unknown[];
        };
        expect(snapshot.regions).toHaveLength(12);
        expect(snapshot.regions.every((r) => r.complete)).toBe(true);
        expect(snapshot.functions).toHaveLength(ids.length);
        // Each crawl waits for at least one answer of 300 ms (ListFunctions).
        const total = snapshot.regions.reduce((n, r) => n + r.durationMs, 0);
        expect(total).toBeGreaterThan(12 * 280);
        expect(total).toBeLessThan(wall);
      },
    );
  }, 120_000);
});
