// Records completed while the crawl goes (crawler.ts, `completeRecords`): once the listing is done
// and the region's bulk reads are in, each fetched record gets them as it arrives, and
// `onCompleted` hears the very object the result holds. A record completed early is the record the
// crawl's end would have made: the same fleet crawled with its GetFunction calls done before the
// reads are in (everything completed at the end) gives the same records.
import { describe, expect, it } from 'vitest';
import { createEc2Client, createLogsClient } from '../../src/crawl/client.js';
import type { CrawlOptions, CrawlResult } from '../../src/crawl/crawler.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';

const FLEET = {
  functions: 300,
  regions: ['us-east-1'],
  managedInstances: true,
  logGroups: true,
  eventSources: true,
};
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };

async function crawlFleet(
  getFunction: number,
  extra: Partial<CrawlOptions> = {},
  withLogs = true,
): Promise<{ result: CrawlResult; heard: FunctionRecord[]; calls: Record<string, number> }> {
  const quotas = { getFunction, controlPlane: 500, getPolicy: 500 };
  return withSimulator({ fleet: FLEET, quotas }, async (sim, endpoint) => {
    const heard: FunctionRecord[] = [];
    const result = await crawlSimulator(sim, endpoint, {
      quotas,
      exposure: 'none',
      ec2ClientFor: (region) => createEc2Client({ region, endpoint, maxSockets: 4, credentials: CREDENTIALS }),
      ...(withLogs
        ? {
            logsClientFor: (region: string) =>
              createLogsClient({ region, endpoint, maxSockets: 4, credentials: CREDENTIALS }),
          }
        : {}),
      onCompleted: (record) => heard.push(record),
      ...extra,
    });
    const calls = { ...sim.stats.byOperation, ...sim.ec2Stats.byOperation, ...sim.logsStats.byOperation };
    return { result, heard, calls };
  });
}

describe('records completed while the crawl goes', () => {
  it('hears completed records, each once, as the objects the result holds', async () => {
    // 300 functions at 100 GetFunction calls a second: 3 s, the reads are in well before the end.
    const { result, heard } = await crawlFleet(100);
    expect(result.regions.every((r) => r.complete)).toBe(true);
    expect(heard.length).toBeGreaterThan(result.functions.length / 2);
    expect(new Set(heard).size).toBe(heard.length);
    const held = new Set(result.functions);
    expect(heard.every((r) => held.has(r))).toBe(true);
    // Complete: every bulk read's part is there.
    for (const r of heard) {
      expect(r.eventSourceMappings, r.arn).toBeDefined();
      expect(r.logGroup, r.arn).toBeDefined();
    }
    expect(heard.some((r) => r.securityGroups !== undefined)).toBe(true);
    expect(heard.some((r) => r.subnetAvailabilityZones !== undefined)).toBe(true);
    expect(heard.some((r) => r.capacityProvider !== undefined)).toBe(true);
  });

  it('makes the records the crawl end makes', async () => {
    const [early, atEnd] = [await crawlFleet(100), await crawlFleet(5000)];
    expect(early.heard.length).toBeGreaterThan(0);
    expect(atEnd.result.functions.length).toBe(300);
    expect(early.result.functions).toEqual(atEnd.result.functions);
    // With no more calls: the lookups still go in the batches the listing made.
    const operations = ['DescribeSubnets', 'DescribeSecurityGroups', 'DescribeLogGroups', 'ListEventSourceMappings'];
    for (const operation of operations) {
      expect(atEnd.calls[operation], operation).toBeGreaterThan(0);
      expect(early.calls[operation], operation).toBe(atEnd.calls[operation]);
    }
  });

  it('gives --no-log-groups functions their skipped part in the crawl itself', async () => {
    const { result, heard } = await crawlFleet(100, { logGroups: false }, false);
    expect(heard.length).toBeGreaterThan(0);
    for (const r of result.functions)
      expect(r.unknown?.find((u) => u.path === 'logGroup')?.reason, r.arn).toBe('skipped');
  });
});
