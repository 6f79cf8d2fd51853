// The crawl against moto, a real third-party implementation of the Lambda API: functions created
// with boto3, crawled with the real AWS SDK over HTTP, compared field by field with what boto3 saw.
import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GetFunctionResponse } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaClient } from '../../src/crawl/client.js';
import { crawl, type CrawlResult } from '../../src/crawl/crawler.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';
import { hashEnvValue } from '../../src/snapshot/redact.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { testKey } from '../helpers/sim.js';
import { startMoto } from '../helpers/moto.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool } from '../helpers/tools.js';

const run = promisify(execFile);
let moto: ChildProcess | undefined;
let endpoint = '';
let seeded: GetFunctionResponse[] = [];
/** What boto3's get_policy, get_function_url_config and get_function_event_invoke_config returned (null: none). */
let seededExposure: Record<
  string,
  {
    policy: { Policy: string } | null;
    url: Record<string, unknown> | null;
    eventInvokeConfig: Record<string, unknown> | null;
  }
> = {};
let result: CrawlResult;

// Every suite here needs python3 with moto and boto3: skipped, with a notice, without them.
describeWithTool('moto', 'moto', () => {
  beforeAll(async () => {
    ({ endpoint, process: moto } = await startMoto());
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed.py`, endpoint], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const parsed = JSON.parse(stdout) as { functions: GetFunctionResponse[]; exposure: typeof seededExposure };
    seeded = parsed.functions;
    seededExposure = parsed.exposure;
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
    moto?.kill('SIGTERM');
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

  // moto's quirks, seen with moto 5.x: AddPermission's FunctionUrlAuthType lands as a top-level
  // statement field instead of Lambda's Condition (normalisePolicy drops it, so the grant reads as
  // applying to any auth type); an account principal stays a bare id, not arn:aws:iam::<id>:root;
  // InvokeMode is "Buffered" (Lambda: BUFFERED); the URL has no trailing slash; the invoke config's
  // FunctionArn lacks :$LATEST and LastModified is a string; CreateFunction's DeadLetterConfig is not
  // kept at all (so no function here has a DLQ). Only the last one changes a verdict (dlq-missing).
  describe('exposure against moto', () => {
    const latest = (name: string) => result.functions.find((f) => f.name === name && f.qualifier === '$LATEST')!;

    it('policies come back as boto3 saw them, parsed into the normal form', () => {
      for (const [name, seen] of Object.entries(seededExposure))
        expect(latest(name).policy, name).toEqual(seen.policy === null ? null : normalisePolicy(seen.policy.Policy));
      expect(latest('env-secrets').policy?.Statement[0]).toMatchObject({
        Sid: 'partner',
        Principal: { AWS: ['210987654321'] },
        Action: ['lambda:InvokeFunction'],
      });
      expect(latest('in-vpc').policy?.Statement[0]?.Condition).toEqual({
        ArnLike: { 'AWS:SourceArn': ['arn:aws:s3:::uploads'] },
        StringEquals: { 'AWS:SourceAccount': ['123456789012'] },
      });
    });

    it('the URL is read where the policy grants lambda:InvokeFunctionUrl, field by field', () => {
      const url = seededExposure['old-node14']!.url!;
      expect(latest('old-node14').functionUrl).toEqual({
        FunctionUrl: url.FunctionUrl,
        AuthType: url.AuthType,
        InvokeMode: url.InvokeMode,
        Cors: url.Cors,
      });
      expect(latest('old-node14').functionUrl?.Cors?.AllowOrigins).toEqual(['*']);
      expect(latest('plain-py312')).not.toHaveProperty('functionUrl');
      expect(latest('plain-py312').unknown).toContainEqual({
        path: 'functionUrl',
        reason: 'skipped',
        detail: 'no lambda:InvokeFunctionUrl grant in the policy',
      });
    });

    it('invoke configs come back without timestamps', () => {
      expect(latest('in-vpc').eventInvokeConfig).toEqual({
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:123456789012:failed' } },
      });
      expect(latest('env-secrets').eventInvokeConfig).toEqual({ MaximumRetryAttempts: 0 });
      expect(latest('plain-py312').eventInvokeConfig).toBeNull();
      // moto drops DeadLetterConfig, so 'tagged' has no DLQ here and its invoke config is read (none).
      expect(latest('tagged').configuration.DeadLetterConfig).toBeUndefined();
      expect(latest('tagged').eventInvokeConfig).toBeNull();
      expect(latest('tagged').policy).toBeNull();
    });

    it('the exposure rules and dlq-missing fire on them through the CLI', async () => {
      const cwd = tempDir('la-moto-exposure-');
      const scan = await runCli(
        ['scan', '--regions', 'us-east-1', '--no-drift', '--fail-on', 'none', '--output', 'json=r.json'],
        {
          cwd,
          env: {
            AWS_ACCESS_KEY_ID: 'testing',
            AWS_SECRET_ACCESS_KEY: 'testing',
            AWS_ENDPOINT_URL_LAMBDA: endpoint,
            LAMBDA_AUDIT_ENV_HASH_KEY: 'moto-exposure-key-0123456789',
          },
        },
      );
      expect(scan.code, scan.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as {
        findings: { ruleId: string; functionName: string }[];
      };
      const exposureRules = new Set([
        'function-public-access',
        'function-url-public',
        'function-url-cors-wildcard',
        'function-cross-account-invoke',
        'dlq-missing',
      ]);
      const fired = report.findings
        .filter((f) => exposureRules.has(f.ruleId))
        .map((f) => `${f.functionName} ${f.ruleId}`)
        .sort();
      expect(fired).toEqual([
        'env-secrets dlq-missing',
        'env-secrets function-cross-account-invoke',
        'old-node14 dlq-missing',
        'old-node14 function-url-cors-wildcard',
        'old-node14 function-url-public',
        'plain-py312 dlq-missing',
        'plain-py312 function-public-access',
        'tagged dlq-missing', // moto drops DeadLetterConfig
      ]);
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
