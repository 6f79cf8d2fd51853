// Role sessions are refreshed before they expire: a Lambda client built as the crawl builds it asks
// its credential provider again once the session is within 5 minutes of its expiry, and not before.
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaClient } from '../../src/crawl/client.js';
import { withSimulator } from '../helpers/sim.js';

async function providerCalls(expiresInMs: number): Promise<number> {
  return withSimulator(
    { fleet: { functions: 2, regions: ['us-east-1'] }, quotas: { getFunction: 1000, controlPlane: 1000 } },
    async (_sim, endpoint) => {
      let calls = 0;
      const client = createLambdaClient({
        region: 'us-east-1',
        endpoint,
        maxSockets: 4,
        credentials: () => {
          calls++;
          return Promise.resolve({
            accessKeyId: 'ASIAROLESESSION',
            secretAccessKey: 'x',
            sessionToken: 'token',
            expiration: new Date(Date.now() + expiresInMs),
          });
        },
      });
      try {
        for (let i = 0; i < 3; i++) await client.send(new ListFunctionsCommand({}));
      } finally {
        client.destroy();
      }
      return calls;
    },
  );
}

describe('role session refresh', () => {
  it('a session with an hour left is reused', async () => {
    expect(await providerCalls(60 * 60_000)).toBe(1);
  });

  it('a session within 5 minutes of expiry is renewed before the next request', async () => {
    // At least once per request (the SDK may ask more than once per request: its own business).
    expect(await providerCalls(4 * 60_000)).toBeGreaterThanOrEqual(3);
  });
});
