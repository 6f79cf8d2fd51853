// Several accounts in one run: one profile per account, crawled in parallel, each account its own
// quota lanes and its own SARIF category.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

describe('several accounts', () => {
  it('--profile a --profile b crawls both accounts; SARIF has a run per account', async () => {
    await withSimulator(
      {
        fleet: { functions: 8, regions: ['us-east-1'], account: '111111111111' },
        otherAccounts: { '222222222222': { functions: 6, regions: ['us-east-1'] } },
        accounts: { AKIDPROFILEA: '111111111111', AKIDPROFILEB: '222222222222' },
      },
      async (_sim, endpoint) => {
        const cwd = tempDir('la-accounts-');
        const credentials = join(cwd, 'credentials');
        writeFileSync(
          credentials,
          '[a]\naws_access_key_id = AKIDPROFILEA\naws_secret_access_key = a\n\n[b]\naws_access_key_id = AKIDPROFILEB\naws_secret_access_key = b\n',
        );
        const result = await runCli(
          [
            'scan',
            '--profile',
            'a',
            '--profile',
            'b',
            '--regions',
            'us-east-1',
            '--endpoint',
            endpoint,
            '--fail-on',
            'none',
            '--output',
            'sarif=r.sarif',
            '--output',
            'snapshot=s.json',
          ],
          {
            cwd,
            env: { AWS_SHARED_CREDENTIALS_FILE: credentials, LAMBDA_AUDIT_ENV_HASH_KEY: 'accounts-test-hash-key-0123' },
          },
        );
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/111111111111 us-east-1: 8 listed, 8 fetched/);
        expect(result.stderr).toMatch(/222222222222 us-east-1: 6 listed, 6 fetched/);
        const snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as {
          functions: { account: string }[];
          regions: { account: string }[];
        };
        expect(snapshot.regions.map((r) => r.account)).toEqual(['111111111111', '222222222222']);
        expect(snapshot.functions.filter((f) => f.account === '222222222222')).toHaveLength(6);
        const sarif = JSON.parse(readFileSync(join(cwd, 'r.sarif'), 'utf8')) as {
          runs: { automationDetails: { id: string } }[];
        };
        expect(sarif.runs.map((r) => r.automationDetails.id)).toEqual([
          'lambda-audit/111111111111/',
          'lambda-audit/222222222222/',
        ]);
      },
    );
  });
});
