// A shard that gets no account-region (more shards than account-regions, or the hash put none in
// it) still writes its snapshot under the run's hash key: merge used to refuse the shards with
// "the shards hash environment values under different keys" though LAMBDA_AUDIT_ENV_HASH_KEY was set,
// because the empty shard fell back to the demo key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envHashKey } from '../../src/snapshot/redact.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const KEY = 'shard-key-test-key-0123456789';
const env = { AWS_ACCESS_KEY_ID: 'AKIDSHARDKEY', AWS_SECRET_ACCESS_KEY: 'x', LAMBDA_AUDIT_ENV_HASH_KEY: KEY };

describe('scan --shard K/N with a shard that has no account-region', () => {
  it('writes the run key id, and merge takes the shards', async () => {
    await withSimulator({ fleet: { functions: 3, regions: ['us-east-1'] } }, async (_sim, endpoint) => {
      const cwd = tempDir('la-shard-key-');
      const shard = (k: number) =>
        runCli(
          [
            'scan',
            '--regions',
            'us-east-1',
            '--endpoint',
            endpoint,
            '--no-drift',
            '--fail-on',
            'none',
            '--shard',
            `${k}/2`,
            '--output',
            `snapshot=s${k}.json`,
            '--quiet',
          ],
          { cwd, env },
        );
      for (const k of [1, 2]) {
        const r = await shard(k);
        expect(r.code, r.stderr).toBe(0);
      }
      const heads = [1, 2].map(
        (k) =>
          JSON.parse(readFileSync(join(cwd, `s${k}.json`), 'utf8')) as { envHashKeyId: string; regions: unknown[] },
      );
      // One shard holds the one account-region, the other none: the case that went wrong.
      expect(heads.map((h) => h.regions.length).sort()).toEqual([0, 1]);
      const id = envHashKey(Buffer.from(KEY, 'utf8')).id;
      expect(heads.map((h) => h.envHashKeyId)).toEqual([id, id]);
      const merged = await runCli(['merge', 's1.json', 's2.json', '--no-drift', '--fail-on', 'none', '--quiet'], {
        cwd,
        env,
      });
      expect(merged.code, merged.stderr).toBe(0);
    });
  }, 60_000);
});
