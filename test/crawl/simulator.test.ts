// The crawl over real HTTP, through the real AWS SDK, against the project's Lambda API simulator.
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaClient, MutatingCallRefused } from '../../src/crawl/client.js';
import { crawlSimulator, fleetSize, withSimulator } from '../helpers/sim.js';

const fast = { quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 } };

describe('crawl against the simulator', () => {
  it('accounts for every function with 5xx, resets, stalls and deletions switched on', async () => {
    await withSimulator(
      {
        fleet: { functions: 300 },
        ...fast,
        faults: { serverErrorRate: 0.05, resetRate: 0.03, stallRate: 0.02, vanishRate: 0.03 },
      },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint, { quotas: fast.quotas });
        expect(result.functions).toHaveLength(fleetSize(sim));
        expect(new Set(result.functions.map((f) => f.arn)).size).toBe(fleetSize(sim));
        const vanished = result.functions.filter((f) => f.status === 'vanished').length;
        expect(vanished).toBeGreaterThan(0);
        expect(result.functions.filter((f) => f.status === 'ok')).toHaveLength(fleetSize(sim) - vanished);
        // The faults really happened and were retried; the crawl is still complete (exit 0).
        expect(sim.stats.faults.serverError + sim.stats.faults.reset + sim.stats.faults.stall).toBeGreaterThan(10);
        expect(result.regions.every((r) => r.complete)).toBe(true);
        expect(result.regions.reduce((n, r) => n + r.retries, 0)).toBeGreaterThan(10);
      },
    );
  });

  it('keeps denied and persistently failing functions with their errors, and says the crawl is incomplete', async () => {
    await withSimulator(
      { fleet: { functions: 200 }, ...fast, faults: { denyRate: 0.05, brokenRate: 0.05 } },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint, {
          quotas: fast.quotas,
          retry: { maxTransientAttempts: 2, maxThrottleAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
        });
        expect(result.functions).toHaveLength(fleetSize(sim));
        const denied = result.functions.filter((f) => f.status === 'denied');
        const failed = result.functions.filter((f) => f.status === 'failed');
        expect(denied.length).toBeGreaterThan(0);
        expect(failed.length).toBeGreaterThan(0);
        for (const f of denied) expect(f.error?.code).toBe('AccessDeniedException');
        for (const f of failed)
          expect(f.error).toMatchObject({ code: 'ServiceException', httpStatus: 500, attempts: 2 });
        // The listed configuration is kept, so rules can still look at it.
        expect(denied[0]?.configuration.FunctionArn).toBe(denied[0]?.arn);
        expect(result.regions.some((r) => !r.complete)).toBe(true);
      },
    );
  });

  it('crawls regions in parallel, each with its own quota, and reports per account-region', async () => {
    await withSimulator(
      { fleet: { functions: 90, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }, ...fast },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint);
        expect(result.regions.map((r) => [r.account, r.region, r.listed, r.fetched])).toEqual([
          ['123456789012', 'us-east-1', 30, 30],
          ['123456789012', 'eu-west-1', 30, 30],
          ['123456789012', 'ap-southeast-2', 30, 30],
        ]);
        expect(
          result.functions.every(
            (f) => f.region === 'us-east-1' || f.region === 'eu-west-1' || f.region === 'ap-southeast-2',
          ),
        ).toBe(true);
      },
    );
  });

  it('settles on the quota that is left when another caller uses part of it, losing nothing', async () => {
    // 30 rps quota of which another caller spends 20: the crawler must adapt down to ~10 rps.
    await withSimulator(
      {
        fleet: { functions: 60, regions: ['us-east-1'] },
        quotas: { getFunction: 30, controlPlane: 15 },
        externalLoad: { getFunction: 20 },
      },
      async (sim, endpoint) => {
        // GetFunction's lane alone: the exposure reads have lanes of their own (test/crawl/exposure.test.ts).
        const result = await crawlSimulator(sim, endpoint, {
          quotas: { getFunction: 30, controlPlane: 15 },
          exposure: 'none',
        });
        expect(result.functions.filter((f) => f.status === 'ok')).toHaveLength(60);
        const region = result.regions[0]!;
        expect(region.throttled).toBeGreaterThan(0);
        // Throttled a little while learning, not all the way.
        expect(region.throttled).toBeLessThan(30);
      },
    );
  });

  it('--max-rps caps the request rate below the quota', async () => {
    await withSimulator(
      { fleet: { functions: 60, regions: ['us-east-1'] }, ...fast, recordArrivals: true },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint, { quotas: fast.quotas, maxRps: 25 });
        expect(result.functions).toHaveLength(60);
        // No one-second window holds more GetFunction calls than the cap (plus the limiter's
        // one-request catch-up). ListFunctions is on the other lane, capped separately.
        const times = sim.arrivals.filter((a) => a.operation === 'GetFunction').map((a) => a.at);
        let worst = 0;
        for (let i = 0, j = 0; i < times.length; i++) {
          while ((times[i] ?? 0) - (times[j] ?? 0) >= 1000) j++;
          worst = Math.max(worst, i - j + 1);
        }
        expect(worst).toBeLessThanOrEqual(30); // uncapped, all 60 would land within a few ms
        expect(worst).toBeGreaterThan(15);
      },
    );
  });

  it('with --include-versions, records each published version and the aliases that serve it', async () => {
    await withSimulator({ fleet: { functions: 40, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      const result = await crawlSimulator(sim, endpoint, { includeVersions: true, quotas: fast.quotas });
      const expectedVersions = [...sim.fleet.get('us-east-1')!.values()].reduce((n, f) => n + f.versions.length, 0);
      expect(expectedVersions).toBeGreaterThan(0);
      // Issue 21: each alias is a record of its own too (source ListAliases), with its own policy.
      const aliasRecords = result.functions.filter((f) => f.source === 'ListAliases');
      const versionRecords = result.functions.filter((f) => f.source !== 'ListAliases');
      const expectedAliases = [...sim.fleet.get('us-east-1')!.values()].reduce((n, f) => n + f.aliases.length, 0);
      expect(aliasRecords).toHaveLength(expectedAliases);
      expect(versionRecords.filter((f) => f.qualifier !== '$LATEST')).toHaveLength(expectedVersions);
      expect(result.regions[0]?.versions).toBe(expectedVersions);
      const served = versionRecords.filter((f) => f.aliases?.some((a) => a.name === 'live'));
      expect(served.length).toBe([...sim.fleet.get('us-east-1')!.values()].filter((f) => f.aliases.length > 0).length);
    });
  });

  it('never sends a mutating call: the client refuses it before it leaves the process', async () => {
    await withSimulator({ fleet: { functions: 2 } }, async (sim, endpoint) => {
      const client = createLambdaClient({
        region: 'us-east-1',
        endpoint,
        maxSockets: 1,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      await expect(client.send(new DeleteFunctionCommand({ FunctionName: 'x' }))).rejects.toBeInstanceOf(
        MutatingCallRefused,
      );
      await crawlSimulator(sim, endpoint, { includeVersions: true, quotas: fast.quotas });
      expect(sim.stats.mutations).toBe(0);
      expect(sim.stats.requests).toBeGreaterThan(0);
    });
  });
});
