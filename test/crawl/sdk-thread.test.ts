// The SDK thread (src/crawl/sdk-remote.ts): EC2's and CloudWatch Logs' reads sent from a worker
// thread with the real SDK over HTTP to the simulator give what a client of this thread gives,
// errors cross with what the lanes judge them by, an attempt's abort reaches the thread, and a
// crawl by crawlAccountRegion (the CLI's path) never loads either SDK in the crawling thread.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createEc2Client, createLogsClient } from '../../src/crawl/client.js';
import {
  ec2SendOf,
  errorFromWire,
  holdSdkThread,
  logsSendOf,
  remoteEc2,
  remoteLogs,
} from '../../src/crawl/sdk-remote.js';
import { classify, errorInfo, retryAfterMs } from '../../src/crawl/retry.js';
import type { LambdaSimulator } from '../../src/simulator/server.js';
import { withSimulator } from '../helpers/sim.js';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const FLEET = { fleet: { functions: 120, regions: ['us-east-1'] } };

const subnetsOf = (sim: LambdaSimulator): string[] =>
  [
    ...new Set(
      [...sim.fleet.values()].flatMap((m) =>
        [...m.values()].flatMap((f) => f.configuration.VpcConfig?.SubnetIds ?? []),
      ),
    ),
  ].sort();

describe('the SDK thread', () => {
  it('answers DescribeSubnets and DescribeSecurityGroups as a client of this thread does', async () => {
    await withSimulator(FLEET, async (sim, endpoint) => {
      const ids = subnetsOf(sim);
      expect(ids.length).toBeGreaterThan(0);
      const local = ec2SendOf(
        createEc2Client({ region: 'us-east-1', endpoint, maxSockets: 2, credentials: CREDENTIALS }),
      );
      const remote = await remoteEc2({ region: 'us-east-1', endpoint, maxSockets: 2 }, () =>
        Promise.resolve(CREDENTIALS),
      );
      const input = { Filters: [{ Name: 'subnet-id', Values: ids }] };
      const signal = new AbortController().signal;
      const [here, there] = await Promise.all([
        local('DescribeSubnets', input, signal),
        remote('DescribeSubnets', input, signal),
      ]);
      expect(there.Subnets).toEqual(here.Subnets);
      expect(there.Subnets?.map((s) => s.SubnetId).sort()).toEqual(ids);
      const groups = await remote(
        'DescribeSecurityGroups',
        { Filters: [{ Name: 'group-id', Values: ['sg-none'] }] },
        signal,
      );
      expect(groups.SecurityGroups).toEqual([]);
      expect(sim.ec2Stats.byOperation).toMatchObject({ DescribeSubnets: 2, DescribeSecurityGroups: 1 });
    });
  });

  it('answers DescribeLogGroups as a client of this thread does', async () => {
    await withSimulator(
      { fleet: { functions: 120, regions: ['us-east-1'], logGroups: true } },
      async (sim, endpoint) => {
        const spec = { region: 'us-east-1', endpoint, maxSockets: 2 };
        const local = logsSendOf(createLogsClient({ ...spec, credentials: CREDENTIALS }));
        const remote = await remoteLogs(spec, () => Promise.resolve(CREDENTIALS));
        const input = { logGroupNamePrefix: '/aws/lambda/', limit: 50 };
        const signal = new AbortController().signal;
        const [here, there] = await Promise.all([local(input, signal), remote(input, signal)]);
        expect(there.logGroups?.length).toBeGreaterThan(0);
        expect(there.logGroups).toEqual(here.logGroups);
        expect(there.nextToken).toEqual(here.nextToken);
        expect(sim.logsStats.requests).toBe(2);
      },
    );
  });

  it('a refusal crosses the thread as the SDK threw it: denied, with its code and status', async () => {
    await withSimulator({ ...FLEET, ec2: { deny: true } }, async (_sim, endpoint) => {
      const remote = await remoteEc2({ region: 'us-east-1', endpoint, maxSockets: 2 }, () =>
        Promise.resolve(CREDENTIALS),
      );
      const error = await remote('DescribeSubnets', { Filters: [] }, new AbortController().signal).catch(
        (e: unknown) => e,
      );
      expect(classify(error)).toBe('denied');
      expect(errorInfo(error, 1)).toMatchObject({ code: 'UnauthorizedOperation', httpStatus: 403 });
    });
  });

  it("a throttle keeps what the lane reads: its kind and the service's Retry-After", () => {
    const error = errorFromWire({
      name: 'RequestLimitExceeded',
      message: 'Request limit exceeded.',
      httpStatusCode: 503,
      retryAfter: '2',
    });
    expect(error).toBeInstanceOf(Error);
    expect(classify(error)).toBe('throttled');
    expect(retryAfterMs(error)).toBe(2000);
  });

  it('an aborted attempt rejects at once with the abort reason', async () => {
    // A server that never answers: only the abort can end the attempt.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = await remoteEc2({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxSockets: 2 }, () =>
        Promise.resolve(CREDENTIALS),
      );
      const controller = new AbortController();
      const attempt = remote('DescribeSubnets', { Filters: [] }, controller.signal);
      setTimeout(() => controller.abort(new Error('attempt timed out')), 100);
      await expect(attempt).rejects.toThrow('attempt timed out');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is stopped once no crawl holds it, after a crawl queued behind the last one has taken it over', async () => {
    await withSimulator(FLEET, async (sim, endpoint) => {
      const input = { Filters: [{ Name: 'subnet-id', Values: subnetsOf(sim) }] };
      const signal = new AbortController().signal;
      const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
      const releaseFirst = holdSdkThread();
      const remote = await remoteEc2({ region: 'us-east-1', endpoint, maxSockets: 2 }, () =>
        Promise.resolve(CREDENTIALS),
      );
      // The first crawl ends and the next starts in the same turn (p-limit's queue): one thread.
      releaseFirst();
      const releaseSecond = holdSdkThread();
      await turn();
      expect((await remote('DescribeSubnets', input, signal)).Subnets?.length).toBeGreaterThan(0);
      releaseSecond();
      releaseSecond(); // twice is once
      await turn();
      await expect(remote('DescribeSubnets', input, signal)).rejects.toThrow(/SDK thread/);
      // The next crawl gets a thread of its own.
      const releaseThird = holdSdkThread();
      const again = await remoteEc2({ region: 'us-east-1', endpoint, maxSockets: 2 }, () =>
        Promise.resolve(CREDENTIALS),
      );
      expect((await again('DescribeSubnets', input, signal)).Subnets?.length).toBeGreaterThan(0);
      releaseThird();
    });
  });

  it('a started thread that is never sent anything does not keep the process alive', () => {
    // Started with every crawl; a region with no VPC function and --no-log-groups sends it nothing.
    const script = `
      import { warmSdkThread } from './src/crawl/sdk-remote.ts';
      warmSdkThread();
      console.log('started');
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 20_000, // a process held open by the thread would be killed here, and the call throw
    });
    expect(out.trim()).toBe('started');
  });

  it('a crawl by crawlAccountRegion looks subnets and log groups up without loading their SDKs in the crawling thread', () => {
    // A process of its own: this one may have loaded the SDK for other tests.
    const script = `
      import { createRequire } from 'node:module';
      import { crawlAccountRegion } from './src/crawl/account-region.ts';
      import { LambdaSimulator } from './src/simulator/server.ts';
      import { envHashKey } from './src/snapshot/redact.ts';
      const sim = new LambdaSimulator({ fleet: { functions: 60, regions: ['us-east-1'], logGroups: true } });
      const endpoint = await sim.start();
      const result = await crawlAccountRegion({
        region: 'us-east-1',
        client: { endpoint, ec2Endpoint: endpoint, logsEndpoint: endpoint, maxSockets: 8, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } },
        key: envHashKey(Buffer.from('sdk-thread-test-key')),
        settings: { exposure: 'none' },
      }, new AbortController().signal);
      await sim.stop();
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => /client-ec2|client-cloudwatch-logs/.test(f));
      const zones = result.functions.filter((f) => f.subnetAvailabilityZones && Object.keys(f.subnetAvailabilityZones).length > 0).length;
      const groups = result.functions.filter((f) => f.logGroup !== undefined).length;
      console.log(JSON.stringify({ loaded, zones, groups, ec2: sim.ec2Stats.requests, logs: sim.logsStats.requests }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    const seen = JSON.parse(out.trim().split('\n').at(-1)!) as {
      loaded: boolean;
      zones: number;
      groups: number;
      ec2: number;
      logs: number;
    };
    expect(seen.zones).toBeGreaterThan(0);
    expect(seen.groups).toBeGreaterThan(0);
    expect(seen.ec2).toBeGreaterThan(0);
    expect(seen.logs).toBeGreaterThan(0);
    expect(seen.loaded).toBe(false);
  });
});
