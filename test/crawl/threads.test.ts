/**
 * Crawler threads (src/crawl/threads.ts): the same account-regions crawled in worker threads give
 * the same records as in the main thread, credentials that are not static are answered by the main
 * thread's provider, and a job a thread cannot run is recorded, not lost.
 */
import { describe, expect, it } from 'vitest';
import type { AccountRegionJob } from '../../src/crawl/account-region.js';
import { ACCOUNT_REGIONS_PER_THREAD, autoThreads, crawlAll } from '../../src/crawl/threads.js';
import { testKey, withSimulator } from '../helpers/sim.js';

const ACCOUNTS = { AKIDAAAA: '111111111111', AKIDBBBB: '222222222222' };

function jobs(endpoint: string, credentials: AccountRegionJob['client']['credentials'][]): AccountRegionJob[] {
  return credentials.flatMap((c, i) =>
    ['us-east-1', 'eu-west-1'].map((region) => ({
      account: Object.values(ACCOUNTS)[i]!,
      region,
      key: testKey,
      settings: {
        exposure: 'lean' as const,
        requestTimeoutMs: 5000,
        quotas: { getFunction: 500, controlPlane: 200, getPolicy: 200 },
      },
      client: { endpoint, ec2Endpoint: endpoint, maxSockets: 16, ...(c === undefined ? {} : { credentials: c }) },
    })),
  );
}

describe('crawler threads', () => {
  it('give the records of the main thread, byte for byte, and ask the main thread for credentials', async () => {
    await withSimulator(
      {
        fleet: { functions: 40, regions: ['us-east-1', 'eu-west-1'], seed: 3, account: '111111111111' },
        otherAccounts: { '222222222222': { functions: 30, regions: ['us-east-1', 'eu-west-1'], seed: 4 } },
        accounts: ACCOUNTS,
        quotas: { getFunction: 500, controlPlane: 200, getPolicy: 200 },
      },
      async (_sim, endpoint) => {
        const asked: string[] = [];
        // Account A: static keys (they travel); account B: a provider only the main thread can call.
        const provider = () => {
          asked.push('B');
          return Promise.resolve({ accessKeyId: 'AKIDBBBB', secretAccessKey: 'b-secret' });
        };
        const all = jobs(endpoint, [{ accessKeyId: 'AKIDAAAA', secretAccessKey: 'a-secret' }, provider]);
        const signal = new AbortController().signal;
        const inThread = await crawlAll(all, { parallel: 4, threads: 1, signal });
        asked.length = 0;
        const progress: string[] = [];
        const threaded = await crawlAll(all, {
          parallel: 4,
          threads: 2,
          signal,
          onProgress: (p) => progress.push(p.region),
        });
        const records = (rs: typeof inThread) => JSON.stringify(rs.map((r) => r.functions));
        expect(threaded.flatMap((r) => r.functions)).toHaveLength(70);
        expect(records(threaded)).toBe(records(inThread));
        expect(threaded.map((r) => r.regions.map((s) => [s.account, s.region, s.complete, s.listed]))).toEqual(
          inThread.map((r) => r.regions.map((s) => [s.account, s.region, s.complete, s.listed])),
        );
        expect(asked.length).toBeGreaterThan(0); // both of B's account-regions asked the main thread
        expect(progress.length).toBeGreaterThan(0);
      },
    );
  });

  it('record an account-region whose credentials fail as incomplete, and crawl the others', async () => {
    await withSimulator(
      {
        fleet: { functions: 10, regions: ['us-east-1', 'eu-west-1'], seed: 3, account: '111111111111' },
        accounts: ACCOUNTS,
      },
      async (_sim, endpoint) => {
        const failing = () => Promise.reject(new Error('AssumeRole denied for this account'));
        const all = jobs(endpoint, [{ accessKeyId: 'AKIDAAAA', secretAccessKey: 'a' }, failing]);
        const results = await crawlAll(all, { parallel: 4, threads: 2, signal: new AbortController().signal });
        const regions = results.flatMap((r) => r.regions);
        expect(regions.filter((r) => r.account === '111111111111').every((r) => r.complete)).toBe(true);
        const b = regions.filter((r) => r.account === '222222222222');
        expect(b).toHaveLength(2);
        expect(b.every((r) => !r.complete && r.error?.message.includes('AssumeRole denied'))).toBe(true);
      },
    );
  });

  it.each([
    [1, 8, 1],
    [8, 8, 1],
    [9, 8, 2],
    [20, 8, 3],
    [40, 8, 5],
    [80, 8, 7],
    [40, 2, 1],
    [40, 1, 1],
  ])('%i account-regions at once on %i cores: %i threads', (atOnce, cores, threads) => {
    expect(ACCOUNT_REGIONS_PER_THREAD).toBe(8);
    expect(autoThreads(atOnce, cores)).toBe(threads);
  });
});
