import { createLambdaClient } from '../../src/crawl/client.js';
import { crawl, type CrawlOptions, type CrawlResult } from '../../src/crawl/crawler.js';
import { envHashKey } from '../../src/snapshot/redact.js';
import { LambdaSimulator, type SimulatorOptions } from '../../src/simulator/server.js';

export const testKey = envHashKey(Buffer.from('integration-test-key'));

export async function withSimulator<T>(
  options: SimulatorOptions,
  body: (sim: LambdaSimulator, endpoint: string) => Promise<T>,
): Promise<T> {
  const sim = new LambdaSimulator(options);
  const endpoint = await sim.start();
  try {
    return await body(sim, endpoint);
  } finally {
    await sim.stop();
  }
}

/** Crawls the simulator through the real SDK over HTTP. */
export function crawlSimulator(
  sim: LambdaSimulator,
  endpoint: string,
  extra: Partial<CrawlOptions> = {},
): Promise<CrawlResult> {
  return crawl({
    regions: sim.regions,
    envHashKey: testKey,
    // Long enough that a loaded machine (client and simulator share one event loop) does not time out
    // answered requests too, short enough that stalled ones cost little.
    requestTimeoutMs: 2000,
    retry: { maxTransientAttempts: 8, maxThrottleAttempts: 30, baseDelayMs: 5, maxDelayMs: 50 },
    clientFor: (region) =>
      createLambdaClient({
        region,
        endpoint,
        maxSockets: 64,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      }),
    ...extra,
  });
}

export function fleetSize(sim: LambdaSimulator): number {
  return [...sim.fleet.values()].reduce((n, m) => n + m.size, 0);
}
