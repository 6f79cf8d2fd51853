/**
 * Where a snapshot comes from: `--input` files, the demo simulator, or a crawl of AWS (or any
 * endpoint). Shared by `scan` and `baseline`.
 */
import { resolve } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../crawl/client.js';
import { crawl } from '../crawl/crawler.js';
import { AuditError } from '../errors.js';
import { loadInputs } from '../input/load.js';
import { buildSnapshot } from '../snapshot/build.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import type { Snapshot } from '../snapshot/types.js';
import { LambdaSimulator } from '../simulator/server.js';
import { DEMO_ENV_KEY, loadEnvHashKey } from './env-key.js';
import type { CliIo } from './io.js';
import { silentProgress, summaryLine, ttyProgress } from './progress.js';
import { toolVersion } from './version.js';

export interface SourceFlags {
  readonly regions?: string[];
  /** One profile per account; several crawl their accounts in parallel. */
  readonly profile?: string[];
  readonly endpoint?: string;
  readonly maxRps?: number;
  readonly concurrency: number;
  readonly includeVersions: boolean;
  /** False with --no-exposure: no GetPolicy, GetFunctionUrlConfig or GetFunctionEventInvokeConfig. */
  readonly exposure?: boolean;
  readonly requestTimeout: number;
  readonly demo: boolean;
  readonly input?: string[];
  readonly quiet: boolean;
}

interface Target {
  /** The profile, when several are crawled. */
  readonly label?: string;
  readonly regions: readonly string[];
  readonly key: EnvHashKey;
  readonly clientFor: (region: string) => LambdaClient;
  readonly close: () => Promise<void>;
}

export async function acquireSnapshot(flags: SourceFlags, io: CliIo, log: (line: string) => void): Promise<Snapshot> {
  if (flags.input && flags.input.length > 0) {
    if (flags.demo)
      throw new AuditError(
        'E_USAGE',
        '--input and --demo cannot be used together: --input reads files, --demo crawls a simulated API',
      );
    return loadInputs(
      flags.input.map((f) => resolve(io.cwd, f)),
      {
        key: () => loadEnvHashKey(io.env, log),
        defaultRegion: flags.regions?.[0] ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'unknown',
        toolVersion: toolVersion(),
        now: io.now(),
      },
    );
  }
  const targets = flags.demo ? [await demoTarget(flags, log)] : await awsTargets(flags, io, log);
  const key = targets[0]?.key ?? DEMO_ENV_KEY;
  let snapshot: Snapshot;
  try {
    const progress = io.stderr.isTTY && !flags.quiet ? ttyProgress(io.stderr as NodeJS.WriteStream) : silentProgress;
    // One crawl per account (profile), in parallel; each has its own quota lanes per region.
    const results = await Promise.all(
      targets.map((target, i) =>
        crawl({
          regions: target.regions,
          clientFor: target.clientFor,
          envHashKey: target.key,
          concurrency: flags.concurrency,
          includeVersions: flags.includeVersions,
          exposure: flags.exposure === false ? 'none' : 'lean',
          requestTimeoutMs: flags.requestTimeout * 1000,
          signal: io.signal,
          onProgress: (p) =>
            progress.update(targets.length > 1 ? { ...p, region: `${target.label ?? i}/${p.region}` } : p),
          ...(flags.maxRps === undefined ? {} : { maxRps: flags.maxRps }),
        }),
      ),
    );
    progress.done();
    const merged = {
      regions: results.flatMap((r) => r.regions),
      functions: results.flatMap((r) => r.functions).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0)),
    };
    snapshot = buildSnapshot(merged, key, toolVersion(), io.now());
  } finally {
    await Promise.all(targets.map((t) => t.close()));
  }
  for (const region of snapshot.regions) log(summaryLine(region));
  return snapshot;
}

async function demoTarget(flags: SourceFlags, log: (line: string) => void): Promise<Target> {
  // Transient faults and deletions only: the demo shows retries and vanished functions, and ends complete.
  const simulator = new LambdaSimulator({
    latencyMs: 20,
    faults: { serverErrorRate: 0.01, resetRate: 0.005, vanishRate: 0.005 },
  });
  const endpoint = await simulator.start();
  log(
    `demo: a simulated Lambda API at ${endpoint} with ${[...simulator.fleet.values()].reduce((n, m) => n + m.size, 0)} functions in ${simulator.regions.join(', ')}, at the real quotas`,
  );
  return {
    regions: flags.regions ?? simulator.regions,
    key: DEMO_ENV_KEY,
    clientFor: (region) =>
      createLambdaClient({
        region,
        endpoint,
        maxSockets: flags.concurrency + 16, // GetFunction lane, plus the shared and GetPolicy lanes (8 each)
        credentials: { accessKeyId: 'AKIDLAMBDAAUDITDEMO', secretAccessKey: 'demo-secret-not-real' },
      }),
    close: () => simulator.stop(),
  };
}

async function awsTargets(flags: SourceFlags, io: CliIo, log: (line: string) => void): Promise<Target[]> {
  const profiles = flags.profile && flags.profile.length > 0 ? [...new Set(flags.profile)] : [undefined];
  const targets: Omit<Target, 'key'>[] = [];
  for (const profile of profiles) targets.push(await awsTarget(flags, profile, profiles.length > 1, io));
  // One key for every account: hashes compare across accounts and runs.
  const key = await loadEnvHashKey(io.env, log);
  return targets.map((t) => ({ ...t, key }));
}

async function awsTarget(
  flags: SourceFlags,
  profile: string | undefined,
  labelled: boolean,
  io: CliIo,
): Promise<Omit<Target, 'key'>> {
  const endpoint = flags.endpoint ?? io.env.AWS_ENDPOINT_URL_LAMBDA;
  const common = {
    maxSockets: flags.concurrency + 16, // GetFunction lane, plus the shared and GetPolicy lanes (8 each)
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(profile === undefined ? {} : { profile }),
  };
  const regions = flags.regions ?? [await defaultRegion(profile)];
  const probe = createLambdaClient({ ...common, region: regions[0] ?? 'us-east-1' });
  try {
    await probe.config.credentials();
  } catch (error) {
    throw new AuditError(
      'E_CREDENTIALS',
      `no AWS credentials found${profile ? ` for profile "${profile}"` : ''}: ${(error as Error).message.split('\n')[0] ?? ''}. Set AWS_PROFILE (or --profile), run "aws sso login", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      { cause: error },
    );
  } finally {
    probe.destroy();
  }
  const clients: LambdaClient[] = [];
  return {
    ...(labelled && profile !== undefined ? { label: profile } : {}),
    regions,
    clientFor: (region) => {
      const client = createLambdaClient({ ...common, region });
      clients.push(client);
      return client;
    },
    close: () => {
      for (const c of clients) c.destroy();
      return Promise.resolve();
    },
  };
}

async function defaultRegion(profile: string | undefined): Promise<string> {
  const client = new LambdaClient(profile === undefined ? {} : { profile });
  try {
    return await client.config.region();
  } catch (error) {
    throw new AuditError(
      'E_CONFIG',
      'no region: pass --regions us-east-1,eu-west-1 or set AWS_REGION (or a region in your AWS profile)',
      { cause: error },
    );
  } finally {
    client.destroy();
  }
}
