// Exposure reads (GetPolicy, GetFunctionUrlConfig, GetFunctionEventInvokeConfig) over real HTTP,
// through the real AWS SDK, against the simulator: what comes back, what is skipped and why, and
// what a refusal does to the run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  READ_ONLY_COMMANDS,
  READ_ONLY_EC2_COMMANDS,
  READ_ONLY_IAM_COMMANDS,
  READ_ONLY_LOGS_COMMANDS,
} from '../../src/crawl/client.js';
import {
  HAS_DLQ_DETAIL,
  NO_EXPOSURE_DETAIL,
  NO_URL_GRANT_DETAIL,
  POLICY_NOT_READ_DETAIL,
  mayGrantUrlInvoke,
} from '../../src/crawl/exposure.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';
import type { LambdaSimulator } from '../../src/simulator/server.js';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

/** The operations a scan sent, but the code signing listings (`src/crawl/code-signing.ts`). */
const exposureOps = (sim: LambdaSimulator): string[] =>
  Object.keys(sim.stats.byOperation)
    .filter((op) => !op.includes('CodeSigning') && op !== 'ListEventSourceMappings')
    .sort();

const fast = { quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 } };

function planted(sim: LambdaSimulator, record: FunctionRecord) {
  const fn = sim.function(record.region, record.name);
  if (!fn) throw new Error(`no simulated function ${record.name}`);
  return fn;
}

describe('exposure reads against the simulator', () => {
  it('brings back every policy, URL and invoke config it reads, field by field, and says why it skipped the rest', async () => {
    await withSimulator({ fleet: { functions: 400, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      // A long timeout: no retry, so the simulator's counts are the reads made.
      const result = await crawlSimulator(sim, endpoint, { quotas: fast.quotas, requestTimeoutMs: 30_000 });
      expect(result.regions[0]?.complete).toBe(true);
      let urlsRead = 0;
      let configsRead = 0;
      for (const record of result.functions) {
        const fn = planted(sim, record);
        const exposure = fn.exposure!;
        expect(record.policy).toEqual(exposure.policy ? normalisePolicy(JSON.stringify(exposure.policy)) : null);
        if (mayGrantUrlInvoke(record.policy ?? null)) {
          urlsRead++;
          const url = exposure.url;
          expect(record.functionUrl).toEqual(
            url
              ? {
                  FunctionUrl: url.FunctionUrl,
                  AuthType: url.AuthType,
                  InvokeMode: url.InvokeMode,
                  ...(url.Cors ? { Cors: url.Cors } : {}),
                }
              : null,
          );
        } else {
          expect(record).not.toHaveProperty('functionUrl');
          expect(record.unknown).toContainEqual({
            path: 'functionUrl',
            reason: 'skipped',
            detail: NO_URL_GRANT_DETAIL,
          });
        }
        if (fn.configuration.DeadLetterConfig?.TargetArn) {
          expect(record).not.toHaveProperty('eventInvokeConfig');
          expect(record.unknown).toContainEqual({
            path: 'eventInvokeConfig',
            reason: 'skipped',
            detail: HAS_DLQ_DETAIL,
          });
        } else {
          configsRead++;
          // LastModified and FunctionArn are dropped: they change without meaning anything.
          expect(record.eventInvokeConfig).toEqual(exposure.eventInvokeConfig ?? null);
        }
      }
      // The fleet holds each case, and the shared lane carried only the reads that were needed.
      expect(result.functions.filter((f) => f.functionUrl).length).toBeGreaterThan(5);
      expect(result.functions.filter((f) => f.functionUrl === null).length).toBeGreaterThan(5); // stale grants
      expect(result.functions.filter((f) => f.eventInvokeConfig?.DestinationConfig?.OnFailure).length).toBeGreaterThan(
        5,
      );
      expect(sim.stats.byOperation).toMatchObject({
        GetPolicy: 400,
        GetFunctionUrlConfig: urlsRead,
        GetFunctionEventInvokeConfig: configsRead,
      });
      expect(urlsRead).toBeLessThan(100);
      expect(sim.stats.mutations).toBe(0);
    });
  });

  it("reads everything with exposure 'all', and nothing with 'none' (--no-exposure)", async () => {
    await withSimulator({ fleet: { functions: 60, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      const all = await crawlSimulator(sim, endpoint, {
        quotas: fast.quotas,
        exposure: 'all',
        requestTimeoutMs: 30_000,
      });
      expect(sim.stats.byOperation).toMatchObject({
        GetPolicy: 60,
        GetFunctionUrlConfig: 60,
        GetFunctionEventInvokeConfig: 60,
      });
      for (const f of all.functions) {
        expect(f.policy).not.toBeUndefined();
        expect(f.functionUrl).not.toBeUndefined();
        expect(f.eventInvokeConfig).not.toBeUndefined();
        expect(f.unknown).toBeUndefined();
      }
      sim.resetStats();
      const none = await crawlSimulator(sim, endpoint, {
        quotas: fast.quotas,
        exposure: 'none',
        requestTimeoutMs: 30_000,
      });
      // No exposure read; the code signing and event source mapping reads (once per region and config) are not.
      expect(exposureOps(sim)).toEqual(['GetFunction', 'ListFunctions']);
      for (const f of none.functions)
        expect(f.unknown).toEqual(
          ['eventInvokeConfig', 'functionUrl', 'policy'].map((path) => ({
            path,
            reason: 'skipped',
            detail: NO_EXPOSURE_DETAIL,
          })),
        );
    });
  });

  it('records AccessDenied on GetPolicy per function, counts it and makes the region incomplete', async () => {
    await withSimulator(
      { fleet: { functions: 200, regions: ['us-east-1'] }, ...fast, faults: { policyDenyRate: 0.1 } },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint, { quotas: fast.quotas });
        const denied = result.functions.filter((f) => f.unknown?.some((u) => u.path === 'policy'));
        expect(denied.length).toBeGreaterThan(5);
        for (const f of denied) {
          expect(f.status).toBe('ok');
          expect(f).not.toHaveProperty('policy');
          expect(f.unknown).toContainEqual({ path: 'policy', reason: 'denied', detail: 'AccessDeniedException' });
          // Without the policy nobody knows whether a URL could be public: not read, not judged.
          expect(f.unknown).toContainEqual({ path: 'functionUrl', reason: 'skipped', detail: POLICY_NOT_READ_DETAIL });
        }
        expect(result.regions[0]).toMatchObject({ complete: false, partsDenied: denied.length, denied: 0 });
      },
    );
  });

  it('marks what only GetFunction returns as unknown when GetFunction was denied', async () => {
    await withSimulator(
      { fleet: { functions: 100, regions: ['us-east-1'] }, ...fast, faults: { denyRate: 0.1 } },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint, { quotas: fast.quotas });
        const denied = result.functions.filter((f) => f.status === 'denied');
        expect(denied.length).toBeGreaterThan(0);
        for (const f of denied) {
          for (const path of ['code', 'reservedConcurrency', 'tags'])
            expect(f.unknown).toContainEqual({ path, reason: 'denied', detail: 'AccessDeniedException' });
          // The exposure reads are separate calls and did succeed.
          expect(f.policy).not.toBeUndefined();
        }
      },
    );
  });

  it('starts GetPolicy and the shared-lane reads while the listing is still paging, and the pages keep their pace', async () => {
    await withSimulator(
      { fleet: { functions: 120, regions: ['us-east-1'] }, latencyMs: 20, recordArrivals: true },
      async (sim, endpoint) => {
        await crawlSimulator(sim, endpoint);
        const at = (...operations: string[]) =>
          sim.arrivals.filter((a) => operations.includes(a.operation)).map((a) => a.at);
        const pages = at('ListFunctions').sort((a, b) => a - b);
        expect(pages).toHaveLength(3);
        expect(Math.min(...at('GetPolicy'))).toBeLessThan(pages[2]!);
        // The invoke-config and URL reads and the region's bulk reads (event source mappings, code
        // signing) share the listing's 15 rps lane and fill the slots between two pages, but a page
        // goes ahead of them: the next page is sent within about one interval (67 ms) of the
        // previous page's answer (20 ms), not behind 50 queued reads.
        const shared = [
          'GetFunctionEventInvokeConfig',
          'GetFunctionUrlConfig',
          'ListEventSourceMappings',
          'ListCodeSigningConfigs',
        ];
        expect(Math.min(...at(...shared))).toBeLessThan(pages[1]!);
        expect(at(...shared).filter((t) => t < pages[2]!).length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < pages.length; i++) expect(pages[i]! - pages[i - 1]!).toBeLessThan(200);
      },
    );
  });

  it('the admin endpoint changes a policy, URL or invoke config between scans', async () => {
    await withSimulator({ fleet: { functions: 10, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      const name = [...sim.fleet.get('us-east-1')!.keys()][0]!;
      const policy = {
        Version: '2012-10-17',
        Id: 'default',
        Statement: [{ Sid: 'url', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl' }],
      };
      const url = {
        FunctionUrl: 'https://x.lambda-url.us-east-1.on.aws/',
        AuthType: 'NONE',
        InvokeMode: 'BUFFERED',
        CreationTime: '2025-01-01T00:00:00Z',
        LastModifiedTime: '2025-01-01T00:00:00Z',
      };
      const res = await fetch(`${endpoint}/__simulator/functions/us-east-1/${name}`, {
        method: 'PATCH',
        body: JSON.stringify({ policy, url, eventInvokeConfig: null }),
      });
      expect(res.status).toBe(200);
      const result = await crawlSimulator(sim, endpoint, { quotas: fast.quotas, requestTimeoutMs: 30_000 });
      const record = result.functions.find((f) => f.name === name)!;
      expect(record.policy).toEqual(normalisePolicy(policy));
      expect(record.functionUrl).toEqual({ FunctionUrl: url.FunctionUrl, AuthType: 'NONE', InvokeMode: 'BUFFERED' });
      if (!record.configuration.DeadLetterConfig) expect(record.eventInvokeConfig).toBeNull();
    });
  });

  it('the read-only allow lists hold exactly these reads', () => {
    expect([...READ_ONLY_COMMANDS].sort()).toEqual([
      'GetFunctionCommand',
      'GetFunctionConfigurationCommand',
      'GetFunctionEventInvokeConfigCommand',
      'GetFunctionUrlConfigCommand',
      'GetPolicyCommand',
      'ListAliasesCommand',
      'ListCapacityProvidersCommand',
      'ListCodeSigningConfigsCommand',
      'ListEventSourceMappingsCommand',
      'ListFunctionsByCodeSigningConfigCommand',
      'ListFunctionsCommand',
      'ListVersionsByFunctionCommand',
    ]);
    expect([...READ_ONLY_EC2_COMMANDS].sort()).toEqual(['DescribeSecurityGroupsCommand', 'DescribeSubnetsCommand']);
    expect([...READ_ONLY_LOGS_COMMANDS]).toEqual(['DescribeLogGroupsCommand']);
    expect([...READ_ONLY_IAM_COMMANDS]).toEqual(['GetAccountAuthorizationDetailsCommand']);
  });
});

describe('which policies could grant lambda:InvokeFunctionUrl', () => {
  const policy = (statement: Record<string, unknown>) =>
    normalisePolicy({ Statement: [{ Effect: 'Allow', Principal: '*', ...statement }] });
  it.each([
    ['lambda:InvokeFunctionUrl', true],
    ['lambda:invokefunctionurl', true],
    ['lambda:Invoke*', true],
    ['lambda:*', true],
    ['*', true],
    ['lambda:InvokeFunction', false],
    ['lambda:GetFunction', false],
  ])('Action %s -> %s', (action, expected) => {
    expect(mayGrantUrlInvoke(policy({ Action: action }))).toBe(expected);
  });
  it('NotAction that leaves it out grants it; a Deny or no policy does not', () => {
    expect(mayGrantUrlInvoke(policy({ NotAction: 'lambda:GetPolicy' }))).toBe(true);
    expect(mayGrantUrlInvoke(policy({ NotAction: 'lambda:Invoke*' }))).toBe(false);
    expect(
      mayGrantUrlInvoke(normalisePolicy({ Statement: { Effect: 'Deny', Principal: '*', Action: 'lambda:*' } })),
    ).toBe(false);
    expect(mayGrantUrlInvoke(null)).toBe(false);
  });
});

describe('the CLI', () => {
  const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
  it('exits 3 naming the functions whose policy could not be read; --no-exposure reads none, --all-exposure-reads all', async () => {
    await withSimulator(
      { fleet: { functions: 40, regions: ['us-east-1'] }, ...fast, faults: { policyDenyRate: 0.1 } },
      async (sim, endpoint) => {
        const env = { ...creds, AWS_ENDPOINT_URL_LAMBDA: endpoint };
        const cwd = tempDir('la-exp-');
        const result = await runCli(
          ['scan', '--output', 'json=r.json', '--report-snapshot', '--fail-on', 'none', '--no-drift'],
          {
            cwd,
            env,
          },
        );
        expect(result.code).toBe(3);
        const deniedNames = [...sim.fleet.get('us-east-1')!.keys()].filter((name) =>
          result.stderr.includes(`${name} policy (denied: AccessDeniedException)`),
        );
        expect(deniedNames.length).toBeGreaterThan(0);
        expect(result.stderr).toMatch(/exposure read\(s\) could not be made/);
        // The report (with its snapshot: partsDenied, the unknown parts) is valid against the schemas.
        const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as {
          snapshot: { regions: { partsDenied?: number }[] };
        };
        expect(schemaErrors('report', report)).toBeUndefined();
        expect(schemaErrors('snapshot', report.snapshot)).toBeUndefined();
        expect(report.snapshot.regions[0]?.partsDenied).toBe(deniedNames.length);

        sim.resetStats();
        const quick = await runCli(['scan', '--no-exposure', '--output', 'json=q.json', '--fail-on', 'none'], {
          cwd,
          env,
        });
        expect(quick.code).toBe(0);
        expect(exposureOps(sim)).toEqual(['GetFunction', 'ListFunctions']);

        // --all-exposure-reads: the URL and invoke config of every function, whatever its policy and DLQ.
        sim.resetStats();
        const full = await runCli(['scan', '--all-exposure-reads', '--output', 'json=f.json', '--fail-on', 'none'], {
          cwd,
          env,
        });
        expect(full.code).toBe(3); // the same denied policies
        expect(sim.stats.byOperation).toMatchObject({ GetFunctionUrlConfig: 40, GetFunctionEventInvokeConfig: 40 });
      },
    );
  });
});
