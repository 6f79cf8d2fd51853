// `--include-versions`: published versions from one `FunctionVersion=ALL` listing of the region
// against the old way (ListVersionsByFunction + ListAliases for every function), over HTTP against
// the simulator, and the crawler's decisions on odd listings with the SDK mocked.
import {
  GetFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { crawl, type CrawlOptions, type CrawlResult } from '../../src/crawl/crawler.js';
import type { LambdaSimulator } from '../../src/simulator/server.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { crawlSimulator, testKey, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const fast = { quotas: { getFunction: 5000, controlPlane: 5000, getPolicy: 5000 } };
const regions = ['us-east-1', 'eu-west-1'];

function publishedVersions(sim: LambdaSimulator): number {
  return [...sim.fleet.values()].flatMap((m) => [...m.values()]).reduce((n, f) => n + f.versions.length, 0);
}

function versionedFunctions(sim: LambdaSimulator): number {
  return [...sim.fleet.values()].flatMap((m) => [...m.values()]).filter((f) => f.versions.length > 0).length;
}

/** Stats without what depends on timing and on the calls made. */
function counts(r: CrawlResult): Record<string, unknown>[] {
  return r.regions.map(({ account, region, complete, listed, fetched, vanished, denied, failed, versions }) => ({
    account,
    region,
    complete,
    listed,
    fetched,
    vanished,
    denied,
    failed,
    versions,
  }));
}

describe('--include-versions against the simulator', () => {
  it('gives the same records as ListVersionsByFunction + ListAliases per function, with far fewer calls', async () => {
    await withSimulator(
      {
        fleet: { functions: 240, regions },
        ...fast,
        // Deterministic per function, so both crawls meet the same ones.
        faults: { vanishRate: 0.03, denyRate: 0.03, tagsDenyRate: 0.05 },
      },
      async (sim, endpoint) => {
        const old = await crawlSimulator(sim, endpoint, {
          ...fast,
          includeVersions: true,
          versionsFrom: 'ListVersionsByFunction',
        });
        const oldOps = { ...sim.stats.byOperation };
        sim.resetStats();
        const now = await crawlSimulator(sim, endpoint, { ...fast, includeVersions: true });
        const ops = sim.stats.byOperation;

        const versions = publishedVersions(sim);
        expect(versions).toBeGreaterThan(40);
        expect(now.functions.filter((f) => f.qualifier !== '$LATEST').length).toBeGreaterThan(0);
        expect(now.functions.some((f) => f.status === 'vanished')).toBe(true);
        expect(now.functions.some((f) => f.status === 'denied')).toBe(true);
        expect(now.functions).toEqual(old.functions);
        expect(counts(now)).toEqual(counts(old));

        // Old: a version listing and an alias listing per function. New: the listing pages
        // (functions plus versions, 50 a page, per region) and ListAliases where versions exist.
        const standing = old.functions.filter((f) => f.qualifier === '$LATEST' && f.status !== 'vanished').length;
        expect(oldOps.ListVersionsByFunction).toBe(standing);
        expect(oldOps.ListAliases).toBe(standing);
        expect(ops.ListVersionsByFunction).toBeUndefined();
        expect(ops.ListAliases).toBe(versionedFunctions(sim));
        const perRegion = [...sim.fleet.values()].map((m) =>
          Math.ceil([...m.values()].reduce((n, f) => n + 1 + f.versions.length, 0) / 50),
        );
        expect(ops.ListFunctions).toBe(perRegion.reduce((a, b) => a + b, 0));
      },
    );
  });

  it('skips aliases of functions without a published version, unless asked for all', async () => {
    await withSimulator({ fleet: { functions: 60, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      // An alias on $LATEST (CDK's `latestVersion.addAlias`) of a function that never published.
      const fn = [...sim.fleet.get('us-east-1')!.values()].find((f) => f.versions.length === 0)!;
      const name = fn.configuration.FunctionName!;
      fn.aliases.push({ Name: 'dev', FunctionVersion: '$LATEST', AliasArn: `${fn.configuration.FunctionArn}:dev` });
      const latestOf = (records: readonly FunctionRecord[]) =>
        records.find((r) => r.name === name && r.qualifier === '$LATEST');

      const old = await crawlSimulator(sim, endpoint, {
        ...fast,
        includeVersions: true,
        versionsFrom: 'ListVersionsByFunction',
      });
      expect(latestOf(old.functions)?.aliases).toEqual([{ name: 'dev', functionVersion: '$LATEST' }]);

      sim.resetStats();
      const lean = await crawlSimulator(sim, endpoint, { ...fast, includeVersions: true });
      expect(latestOf(lean.functions)?.aliases).toBeUndefined();
      expect(sim.stats.byOperation.ListAliases).toBe(versionedFunctions(sim));

      sim.resetStats();
      const all = await crawlSimulator(sim, endpoint, { ...fast, includeVersions: true, aliases: 'all' });
      expect(sim.stats.byOperation.ListAliases).toBe(60);
      expect(all.functions).toEqual(old.functions);
    });
  });

  it('--all-aliases (through the CLI) lists the aliases of every function and implies --include-versions', async () => {
    await withSimulator({ fleet: { functions: 12, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      const fn = [...sim.fleet.get('us-east-1')!.values()].find((f) => f.versions.length === 0)!;
      fn.aliases.push({ Name: 'dev', FunctionVersion: '$LATEST', AliasArn: `${fn.configuration.FunctionArn}:dev` });
      const cwd = tempDir('la-versions-');
      const env = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_LAMBDA: endpoint };
      const res = await runCli(
        [
          'scan',
          '--regions',
          'us-east-1',
          '--all-aliases',
          '--no-exposure',
          '--fail-on',
          'none',
          '--output',
          'snapshot=s.json',
        ],
        { cwd, env },
      );
      expect(res.code, res.stderr).toBe(0);
      const snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as { functions: FunctionRecord[] };
      const record = snapshot.functions.find(
        (f) => f.name === fn.configuration.FunctionName && f.qualifier === '$LATEST',
      );
      expect(record?.aliases).toEqual([{ name: 'dev', functionVersion: '$LATEST' }]);
      expect(snapshot.functions.filter((f) => f.qualifier !== '$LATEST')).toHaveLength(publishedVersions(sim));
      expect(sim.stats.byOperation.ListAliases).toBe(12);
      expect(sim.stats.byOperation.ListVersionsByFunction).toBeUndefined();
    });
  });

  it('without --include-versions, lists $LATEST only (no FunctionVersion=ALL)', async () => {
    await withSimulator({ fleet: { functions: 60, regions: ['us-east-1'] }, ...fast }, async (sim, endpoint) => {
      const result = await crawlSimulator(sim, endpoint, fast);
      expect(result.functions).toHaveLength(60);
      expect(result.functions.every((f) => f.qualifier === '$LATEST' && !f.arn.endsWith(':$LATEST'))).toBe(true);
      expect(sim.stats.byOperation.ListAliases).toBeUndefined();
    });
  });
});

const arn = (name: string) => `arn:aws:lambda:us-east-1:111122223333:function:${name}`;
const latest = (name: string) => ({
  FunctionName: name,
  FunctionArn: `${arn(name)}:$LATEST`,
  Runtime: 'python3.12' as const,
  Version: '$LATEST',
});
const version = (name: string, v: string) => ({ ...latest(name), FunctionArn: `${arn(name)}:${v}`, Version: v });
const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const mock = mockClient(client);

function options(extra: Partial<CrawlOptions> = {}): CrawlOptions {
  return {
    regions: ['us-east-1'],
    clientFor: () => client,
    envHashKey: testKey,
    quotas: { getFunction: 10_000, controlPlane: 10_000, getPolicy: 10_000 },
    exposure: 'none',
    includeVersions: true,
    retry: { maxTransientAttempts: 2, maxThrottleAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  };
}

describe('--include-versions decisions (SDK mocked)', () => {
  beforeEach(() => mock.reset());

  it('files versions under their function whatever page they are on, and unqualifies $LATEST', async () => {
    // A version before its function's $LATEST, and one on the next page.
    mock
      .on(ListFunctionsCommand, { Marker: undefined })
      .resolves({ Functions: [version('f', '1'), latest('f'), latest('g')], NextMarker: 'p2' });
    mock.on(ListFunctionsCommand, { Marker: 'p2' }).resolves({ Functions: [version('f', '2')] });
    mock.on(GetFunctionCommand).callsFake((input: { FunctionName: string }) => ({
      Configuration: { ...latest(input.FunctionName.split(':').pop()!), FunctionArn: input.FunctionName },
      Tags: { team: 't' },
    }));
    mock.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'live', FunctionVersion: '2' }] });
    const result = await crawl(options());

    expect(mock.commandCalls(ListFunctionsCommand)[0]?.args[0].input).toMatchObject({ FunctionVersion: 'ALL' });
    expect(mock.commandCalls(GetFunctionCommand).map((c) => c.args[0].input.FunctionName)).toEqual([
      arn('f'),
      arn('g'),
    ]);
    expect(mock.commandCalls(ListAliasesCommand).map((c) => c.args[0].input.FunctionName)).toEqual(['f']);
    expect(mock.commandCalls(ListVersionsByFunctionCommand)).toHaveLength(0);
    expect(result.functions.map((f) => [f.arn, f.source, f.aliases?.[0]?.name])).toEqual([
      [arn('f'), 'GetFunction', undefined],
      [`${arn('f')}:1`, 'ListVersionsByFunction', undefined],
      [`${arn('f')}:2`, 'ListVersionsByFunction', 'live'],
      [arn('g'), 'GetFunction', undefined],
    ]);
    expect(result.functions[1]?.tags).toEqual({ team: 't' });
    expect(result.regions[0]).toMatchObject({ listed: 2, fetched: 2, versions: 2, complete: true });
  });

  it('a listing that fails part-way keeps the versions listed so far, with their aliases', async () => {
    mock
      .on(ListFunctionsCommand, { Marker: undefined })
      .resolves({ Functions: [latest('f'), version('f', '1')], NextMarker: 'p2' });
    mock
      .on(ListFunctionsCommand, { Marker: 'p2' })
      .rejects(Object.assign(new Error('boom'), { name: 'ServiceException', $metadata: { httpStatusCode: 500 } }));
    mock.on(GetFunctionCommand).resolves({ Configuration: { ...latest('f'), FunctionArn: arn('f') } });
    mock.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'live', FunctionVersion: '1' }] });
    const result = await crawl(options());
    expect(result.functions.map((f) => [f.qualifier, f.aliases?.[0]?.name])).toEqual([
      ['$LATEST', undefined],
      ['1', 'live'],
    ]);
    expect(result.regions[0]).toMatchObject({ complete: false, error: { code: 'ServiceException' } });
  });

  it('an alias listing that keeps failing is reported on the function, and the crawl is incomplete', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [latest('f'), version('f', '1')] });
    mock.on(GetFunctionCommand).resolves({ Configuration: { ...latest('f'), FunctionArn: arn('f') } });
    mock
      .on(ListAliasesCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'ServiceException', $metadata: { httpStatusCode: 500 } }));
    const result = await crawl(options());
    expect(result.functions).toHaveLength(1);
    expect(result.functions[0]).toMatchObject({ status: 'ok', versionsError: { code: 'ServiceException' } });
    expect(result.regions[0]?.complete).toBe(false);
  });
});
