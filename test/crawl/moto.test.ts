// The crawl against moto, a real third-party implementation of the Lambda API: functions created
// with boto3, crawled with the real AWS SDK over HTTP, compared field by field with what boto3 saw.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import type { GetFunctionResponse } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaClient } from '../../src/crawl/client.js';
import { crawl, type CrawlResult } from '../../src/crawl/crawler.js';
import { hashEnvValue } from '../../src/snapshot/redact.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { testKey } from '../helpers/sim.js';
import { tempDir, track } from '../helpers/temp.js';
import { describeWithTool } from '../helpers/tools.js';

const run = promisify(execFile);
let moto: ChildProcess | undefined;
let endpoint = '';
let seeded: GetFunctionResponse[] = [];
let result: CrawlResult;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilUp(url: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`moto did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Every suite here needs python3 with moto and boto3: skipped, with a notice, without them.
describeWithTool('moto', 'moto', () => {
  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = track(spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' }));
    await waitUntilUp(`${endpoint}/moto-api/`, 30_000);
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed.py`, endpoint], {
      maxBuffer: 16 * 1024 * 1024,
    });
    seeded = (JSON.parse(stdout) as { functions: GetFunctionResponse[] }).functions;
    result = await crawl({
      regions: ['us-east-1'],
      envHashKey: testKey,
      includeVersions: true,
      clientFor: (region) =>
        createLambdaClient({
          region,
          endpoint,
          maxSockets: 8,
          credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        }),
    });
  }, 90_000);

  afterAll(() => {
    moto?.kill('SIGTERM'); // track() waits for it and kills harder if need be
  });

  describe('crawl against moto', () => {
    it('finds every function moto holds, complete', () => {
      expect(result.regions[0]).toMatchObject({
        listed: seeded.length,
        fetched: seeded.length,
        failed: 0,
        denied: 0,
        complete: true,
      });
      expect(
        result.functions
          .filter((f) => f.qualifier === '$LATEST')
          .map((f) => f.name)
          .sort(),
      ).toEqual(seeded.map((s) => s.Configuration?.FunctionName).sort());
    });

    it('keeps every Configuration field as boto3 saw it, env values as keyed hashes', () => {
      for (const expected of seeded) {
        const record = result.functions.find(
          (f) => f.name === expected.Configuration?.FunctionName && f.qualifier === '$LATEST',
        );
        expect(record, expected.Configuration?.FunctionName).toBeDefined();
        const { Environment, ...rest } = expected.Configuration ?? {};
        for (const [field, value] of Object.entries(rest)) {
          expect((record!.configuration as Record<string, unknown>)[field], `${record!.name}.${field}`).toEqual(value);
        }
        const variables = Environment?.Variables ?? {};
        const hashed = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, hashEnvValue(testKey, k, v)]));
        expect(record!.configuration.Environment?.Variables ?? {}).toEqual(hashed);
      }
    });

    it('keeps tags, reserved concurrency and code metadata, never the presigned Location', () => {
      const tagged = result.functions.find((f) => f.name === 'tagged' && f.qualifier === '$LATEST')!;
      expect(tagged.tags).toEqual({ env: 'prod', team: 'payments' });
      expect(tagged.reservedConcurrency).toBe(5);
      for (const f of result.functions.filter((r) => r.source === 'GetFunction')) {
        expect(f.code).toEqual({ RepositoryType: 'S3' });
      }
      expect(JSON.stringify(result)).not.toContain('moto-canary-Zx9#qL2!vR7');
      expect(JSON.stringify(result)).not.toContain('awslambda-us-east-1-tasks');
    });

    it('records the published version and the alias that serves it', () => {
      const v1 = result.functions.find((f) => f.name === 'tagged' && f.qualifier === '1');
      expect(v1).toMatchObject({ source: 'ListVersionsByFunction', aliases: [{ name: 'live', functionVersion: '1' }] });
    });
  });

  describe('several accounts against moto', () => {
    it('a profile that assumes a role in another account (role_arn + source_profile) is crawled beside the base one', async () => {
      await run('python3', [`${repoRoot}/test/fixtures/moto/seed_other_account.py`, endpoint]);
      const dir = tempDir('la-moto-profiles-');
      writeFileSync(join(dir, 'credentials'), '[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
      writeFileSync(
        join(dir, 'config'),
        '[profile base]\nregion = us-east-1\n\n[profile auditor-b]\nrole_arn = arn:aws:iam::222222222222:role/auditor\nsource_profile = base\nregion = us-east-1\n',
      );
      const result = await runCli(
        [
          'scan',
          '--profile',
          'base',
          '--profile',
          'auditor-b',
          '--regions',
          'us-east-1',
          '--no-drift',
          '--fail-on',
          'none',
          '--output',
          'snapshot',
        ],
        {
          cwd: dir,
          env: {
            AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
            AWS_CONFIG_FILE: join(dir, 'config'),
            AWS_ENDPOINT_URL: endpoint,
            LAMBDA_AUDIT_ENV_HASH_KEY: 'moto-profiles-key-0123456789',
          },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const snapshot = JSON.parse(result.stdout) as { functions: { arn: string; account: string }[] };
      expect(snapshot.functions.filter((f) => f.account === '222222222222').map((f) => f.arn)).toEqual([
        'arn:aws:lambda:us-east-1:222222222222:function:in-account-b',
      ]);
      expect(snapshot.functions.filter((f) => f.account === '123456789012').length).toBe(seeded.length);
    });
  });
});
