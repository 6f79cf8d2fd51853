// The shared lane's bulk reads (event source mappings, code signing, capacity providers) wait for
// the listing to get ahead of GetFunction: a request between two early pages is what a stall
// clumps with a page, and a throttled early page starves GetFunction for its Retry-After
// (crawler.ts, LISTING_LEAD_SECONDS). And `onCompleted` hears no function twice.
import { describe, expect, it } from 'vitest';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';

describe('the listing before the bulk reads', () => {
  it('sends no bulk read before the listing is two seconds of GetFunction calls ahead', async () => {
    await withSimulator(
      {
        fleet: { functions: 600, regions: ['us-east-1'], eventSources: true },
        quotas: { getFunction: 100, controlPlane: 1000, getPolicy: 1000 },
        recordArrivals: true,
      },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint, {
          exposure: 'none',
          quotas: { getFunction: 100, controlPlane: 1000, getPolicy: 1000 },
        });
        expect(result.regions.every((r) => r.complete)).toBe(true);
        const order = sim.arrivals.map((a) => a.operation);
        const firstBulk = order.findIndex((op) =>
          ['ListEventSourceMappings', 'ListCodeSigningConfigs', 'ListCapacityProviders'].includes(op),
        );
        expect(firstBulk).toBeGreaterThan(-1);
        // 100 GetFunction calls a second, 2 s ahead: 200 functions, four pages of 50, before any bulk read.
        const pagesBefore = order.slice(0, firstBulk).filter((op) => op === 'ListFunctions').length;
        expect(pagesBefore).toBeGreaterThanOrEqual(4);
        expect(sim.stats.byOperation.ListEventSourceMappings).toBeGreaterThan(0);
        expect(sim.stats.byOperation.ListCodeSigningConfigs).toBeGreaterThan(0);
      },
    );
  });

  it('reads them after a listing too short to get ahead, and tells onCompleted of no function twice', async () => {
    await withSimulator(
      { fleet: { functions: 30, regions: ['us-east-1'], eventSources: true } },
      async (sim, endpoint) => {
        const heard: string[] = [];
        const result = await crawlSimulator(sim, endpoint, {
          exposure: 'none',
          onCompleted: (record) => heard.push(record.arn),
        });
        expect(sim.stats.byOperation.ListEventSourceMappings).toBe(1);
        expect(sim.stats.byOperation.ListCodeSigningConfigs).toBe(1);
        expect(result.functions).toHaveLength(30);
        expect(new Set(heard).size).toBe(heard.length);
        expect(heard.every((arn) => result.functions.some((f) => f.arn === arn))).toBe(true);
      },
    );
  });
});
