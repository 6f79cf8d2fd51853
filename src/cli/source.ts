/**
 * Where a snapshot comes from: `--input` files, the demo simulator, or a crawl of AWS (or any
 * endpoint). Shared by `scan` and `baseline`.
 */
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLambdaClient } from '../crawl/client.js';
import { loadLambdaSdk } from '../crawl/sdk.js';
import type { CrawlResult } from '../crawl/crawler.js';
import {
  incompleteRegion,
  type AccountRegionJob,
  type ClientSpec,
  type CrawlSettings,
} from '../crawl/account-region.js';
import { RoleReads, withRoleCompleteness } from '../crawl/role-reads.js';
import { crawlAll } from '../crawl/threads.js';
import { ACCOUNT_REGIONS_AT_ONCE } from '../defaults.js';
import { AuditError } from '../errors.js';
import { parseJsonFile } from '../json.js';
import { buildSnapshot } from '../snapshot/build.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import type { ErrorInfo, FunctionRecord, SkippedAccountInfo, Snapshot } from '../snapshot/types.js';
import { balancedShards, inShard, type PreviousRegion, type Shard } from '../org/shard.js';
import { DEMO_ENV_KEY, loadEnvHashKey } from './env-key.js';
import { logTo, type CliIo } from './io.js';
import { silentProgress, summaryLine, ttyProgress } from './progress.js';
import { toolVersion } from '../version.js';

export interface SourceFlags {
  /** A list, or `all`: the regions enabled in each account (with the account flags). */
  readonly regions?: string[] | 'all';
  /** One profile per account; several crawl their accounts in parallel. */
  readonly profile?: string[];
  readonly endpoint?: string;
  readonly maxRps?: number;
  readonly concurrency: number;
  readonly includeVersions: boolean;
  /** `--all-aliases`: ListAliases for every function, not only those with a published version. */
  readonly allAliases?: boolean;
  /** False with --no-exposure: no GetPolicy, GetFunctionUrlConfig or GetFunctionEventInvokeConfig. */
  readonly exposure?: boolean;
  /** --all-exposure-reads: the URL and invoke config of every function (the crawler's `exposure: 'all'`). */
  readonly allExposureReads?: boolean;
  /** False with --no-roles: no IAM GetAccountAuthorizationDetails; every account's roles `skipped`. */
  readonly roles?: boolean;
  /** False with --no-capacity-providers: no ListCapacityProviders; functions on a provider get it `skipped`. */
  readonly capacityProviders?: boolean;
  /** False with --no-log-groups: no DescribeLogGroups; every function's log group gets `skipped`. */
  readonly logGroups?: boolean;
  /** False with --no-event-sources: no ListEventSourceMappings; every function's mappings `skipped`. */
  readonly eventSources?: boolean;
  /** False with --no-code-signing: no ListCodeSigningConfigs; Zip functions' code signing `skipped`. */
  readonly codeSigning?: boolean;
  /** False with --no-security-groups: no DescribeSecurityGroups; VPC functions get `securityGroups` `skipped`. */
  readonly securityGroups?: boolean;
  readonly requestTimeout: number;
  readonly demo: boolean;
  readonly input?: string[];
  /** `--iac PATH`: templates, cdk.out directories and Terraform plans (see docs/iac.md). */
  readonly iac?: string[];
  /** `--iac-param KEY=VALUE`: template parameter values. */
  readonly iacParam?: Map<string, string>;
  /** `--iac-max-bytes`: the size cap per --iac file. @default DEFAULT_IAC_LIMITS.maxBytes (50 MB) */
  readonly iacMaxBytes?: number;
  readonly quiet: boolean;
  /** Refuse --input records without a FunctionArn (their account is unknown): set by `baseline`. */
  readonly requireArn?: boolean;
  /** Account flags (src/org): the organisation's accounts, a list, exclusions, the audit role. */
  readonly org?: boolean;
  readonly accounts?: string[];
  readonly excludeAccounts?: string[];
  readonly roleName?: string;
  readonly externalId?: string;
  /** Account-regions crawled at once, over every account. @default ACCOUNT_REGIONS_AT_ONCE */
  readonly parallel?: number;
  /** Crawler threads (src/crawl/threads.ts); 1: crawl in the main thread. @default one per 8 account-regions at once, on every core but one */
  readonly threads?: number;
  /** Crawl only this shard's account-regions (src/org/shard.ts). */
  readonly shard?: Shard;
  /** `--shard-balance SNAPSHOT`: split the shards by the function counts of this previous snapshot. */
  readonly shardBalance?: string;
  /** `lambda-audit merge`: the inputs are the snapshots of shards of one run (src/org/merge.ts). */
  readonly mergeShards?: boolean;
}

// Defined in src/defaults.ts (main.ts names it in --parallel's help without loading this module).
export { ACCOUNT_REGIONS_AT_ONCE };

interface Target {
  /** The profile, when several are crawled. */
  readonly label?: string;
  /** The account, when known before the crawl (account flags): stats of an empty region carry it. */
  readonly account?: string;
  /** Nothing in this account could be crawled (AssumeRole denied, regions not readable). */
  readonly error?: ErrorInfo;
  readonly regions: readonly string[];
  readonly key: EnvHashKey;
  /** Endpoints and credentials of every account-region's clients (Lambda, and EC2 for subnet zones). */
  readonly client: ClientSpec;
  /** Ends what the target holds (the demo's simulator). */
  readonly close: () => Promise<void>;
}

/** What a caller hears of a crawl while it goes (see `CrawlOptions.onCompleted`). */
export interface CrawlHooks {
  readonly onCompleted?: (record: FunctionRecord) => void;
}

/*
 * What only some sources need is imported where they need it (the lazy-loading rule at the top of
 * main.ts): IaC parsing, --input reading, shard merging and the demo's simulator are most of the
 * tool's modules, and a crawl waits for every module loaded before its first request.
 */
export async function acquireSnapshot(
  flags: SourceFlags,
  io: CliIo,
  log: (line: string) => void,
  hooks: CrawlHooks = {},
): Promise<Snapshot> {
  if (flags.shardBalance !== undefined && flags.shard === undefined)
    throw new AuditError('E_USAGE', '--shard-balance goes with --shard K/N (it says how the shards split the crawl)');
  if (flags.iac && flags.iac.length > 0) {
    if (flags.demo || (flags.input?.length ?? 0) > 0)
      throw new AuditError(
        'E_USAGE',
        '--iac cannot be used with --input or --demo: scan templates and plans on their own',
      );
    const { loadIac } = await import('../iac/load.js');
    return loadIac(flags.iac, {
      cwd: io.cwd,
      key: () => loadEnvHashKey(io.env, log),
      parameters: flags.iacParam ?? new Map(),
      ...(flags.iacMaxBytes === undefined ? {} : { limits: { maxBytes: flags.iacMaxBytes } }),
      defaultRegion: flags.regions?.[0] ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      toolVersion: toolVersion(),
      now: io.now(),
      log,
    });
  }
  if (flags.input && flags.input.length > 0) {
    if (flags.demo)
      throw new AuditError(
        'E_USAGE',
        '--input and --demo cannot be used together: --input reads files, --demo crawls a simulated API',
      );
    if (flags.regions === 'all')
      throw new AuditError('E_USAGE', '--regions all lists the regions of AWS accounts; --input reads files');
    if (flags.shard !== undefined)
      throw new AuditError(
        'E_USAGE',
        '--shard splits a crawl; --input reads files (combine shards with lambda-audit merge)',
      );
    const files = flags.input.map((f) => resolve(io.cwd, f));
    const { loadInputs } = await import('../input/load.js');
    if (flags.mergeShards) {
      const { checkShardSnapshots, mergedOrder } = await import('../org/merge.js');
      await checkShardSnapshots(files, flags.input, logTo(io));
      return mergedOrder(
        await loadInputs(files, {
          key: () => loadEnvHashKey(io.env, log),
          defaultRegion: 'unknown',
          toolVersion: toolVersion(),
          now: io.now(),
          requireArn: flags.requireArn ?? false,
          warn: logTo(io),
        }),
      );
    }
    return loadInputs(files, {
      key: () => loadEnvHashKey(io.env, log),
      defaultRegion: flags.regions?.[0] ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'unknown',
      toolVersion: toolVersion(),
      now: io.now(),
      requireArn: flags.requireArn ?? false,
      warn: logTo(io),
    });
  }
  // Read before any API call: a bad file costs no discovery.
  const shard = flags.shard === undefined ? undefined : await balancedShard(flags.shard, flags.shardBalance, io);
  // Accounts --org or --exclude-accounts left out: named in the snapshot, so reports (and merge) have them.
  const skippedAccounts: SkippedAccountInfo[] = [];
  const all = flags.demo
    ? [await demoTarget(flags, log)]
    : usesAccountFlags(flags)
      ? await organizationTargets(flags, io, log, skippedAccounts)
      : await awsTargets(flags, io, log);
  const targets = shard === undefined ? all : shardTargets(all, shard, log);
  // The key of the whole run, not of this shard's first target: a shard with no account-region
  // (more shards than account-regions, or the hash put none in it) still hashes under the run's
  // key, or merge finds the shards under different keys.
  const key = all[0]?.key ?? (flags.demo ? DEMO_ENV_KEY : await loadEnvHashKey(io.env, log));
  // Every account-region's crawl listens to the run's signal: far more than EventTarget's default of 10.
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = (): void => controller.abort(io.signal.reason);
  if (io.signal.aborted) onAbort();
  io.signal.addEventListener('abort', onAbort, { once: true });
  let snapshot: Snapshot;
  try {
    const progress = io.stderr.isTTY && !flags.quiet ? ttyProgress(io.stderr as NodeJS.WriteStream) : silentProgress;
    const settings: CrawlSettings = {
      concurrency: flags.concurrency,
      includeVersions: flags.includeVersions || flags.allAliases === true,
      ...(flags.allAliases === true ? { aliases: 'all' as const } : {}),
      exposure: flags.exposure === false ? 'none' : flags.allExposureReads === true ? 'all' : 'lean',
      requestTimeoutMs: flags.requestTimeout * 1000,
      ...(flags.maxRps === undefined ? {} : { maxRps: flags.maxRps }),
      ...(flags.capacityProviders === false ? { capacityProviders: false } : {}),
      ...(flags.logGroups === false ? { logGroups: false } : {}),
      ...(flags.eventSources === false ? { eventSources: false } : {}),
      ...(flags.codeSigning === false ? { codeSigning: false } : {}),
      ...(flags.securityGroups === false ? { securityGroups: false } : {}),
    };
    // One crawl per account-region, each with its own quota lanes; a global bound on how many run at once.
    const targetOf = new Map<AccountRegionJob, number>();
    const jobs: AccountRegionJob[] = targets.flatMap((target, i) =>
      target.error
        ? []
        : target.regions.map((region) => {
            const job: AccountRegionJob = {
              ...(target.account === undefined ? {} : { account: target.account }),
              ...(targets.length > 1 ? { label: target.label ?? target.account ?? String(i) } : {}),
              region,
              client: target.client,
              key: target.key,
              settings,
            };
            targetOf.set(job, i);
            return job;
          }),
    );
    // IAM is global: one role read per account (target), started with its first account-region.
    const roleReads = new RoleReads({
      read: flags.roles !== false,
      signal: controller.signal,
      requestTimeoutMs: settings.requestTimeoutMs ?? 15_000,
      ...(flags.maxRps === undefined ? {} : { maxRps: flags.maxRps }),
    });
    const crawled = await crawlAll(jobs, {
      parallel: flags.parallel ?? ACCOUNT_REGIONS_AT_ONCE,
      ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
      ...(hooks.onCompleted === undefined ? {} : { onCompleted: hooks.onCompleted }),
      onStart: (job) => {
        const i = targetOf.get(job);
        const target = i === undefined ? undefined : targets[i];
        if (i !== undefined && target)
          roleReads.start(String(i), {
            ...(target.account === undefined ? {} : { account: target.account }),
            client: target.client,
            region: job.region,
          });
      },
    });
    const results = [
      ...targets.flatMap((target) => (target.error ? [failedAccount(target, target.error)] : [])),
      ...crawled,
    ];
    progress.done();
    // Each target's account as its crawl found it: the role read's entry when the read names none.
    const crawledAccount = new Map<string, string | undefined>();
    for (const [i, target] of targets.entries())
      if (!target.error && target.regions.length > 0) crawledAccount.set(String(i), target.account);
    for (const [j, job] of jobs.entries()) {
      const key = String(targetOf.get(job));
      const found = crawled[j]?.regions.find((r) => r.account !== 'unknown')?.account;
      if (crawledAccount.get(key) === undefined && found !== undefined) crawledAccount.set(key, found);
    }
    const iam = await roleReads.collect(crawledAccount, log);
    const merged = {
      regions: withRoleCompleteness(
        results
          .flatMap((r) => r.regions)
          .sort((a, b) => (a.account === b.account ? cmp(a.region, b.region) : cmp(a.account, b.account))),
        iam,
      ),
      functions: results.flatMap((r) => r.functions).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0)),
    };
    snapshot = buildSnapshot(merged, key, toolVersion(), io.now());
    if (iam.length > 0) snapshot = { ...snapshot, iam };
    if (skippedAccounts.length > 0) snapshot = { ...snapshot, skippedAccounts };
    // So merge can tell a shard is missing.
    if (shard !== undefined) snapshot = (await import('../org/merge.js')).markShard(snapshot, shard);
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    // Every target, including those another shard crawls (the demo's holds the simulator).
    await Promise.all(all.map((t) => t.close()));
  }
  for (const region of snapshot.regions) log(summaryLine(region));
  return snapshot;
}

/** `--shard K/N`, with the split of `--shard-balance SNAPSHOT` (the previous run's) when given. */
async function balancedShard(shard: Shard, file: string | undefined, io: CliIo): Promise<Shard> {
  if (file === undefined) return shard;
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new AuditError(
      'E_INPUT',
      `--shard-balance: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    );
  }
  const value = parseJsonFile(file, text) as { regions?: unknown };
  const regions = Array.isArray(value?.regions) ? (value.regions as unknown[]) : undefined;
  const valid = (r: unknown): r is PreviousRegion =>
    typeof r === 'object' &&
    r !== null &&
    typeof (r as PreviousRegion).account === 'string' &&
    typeof (r as PreviousRegion).region === 'string' &&
    typeof (r as PreviousRegion).listed === 'number';
  if (regions === undefined || !regions.every(valid))
    throw new AuditError(
      'E_INPUT',
      `--shard-balance: ${file} is not a lambda-audit snapshot (expected "regions" with account, region and listed); give the snapshot of the previous run (--output snapshot=PATH, or the merged one)`,
    );
  return { ...shard, assigned: balancedShards(regions, shard.count) };
}

/** This shard's account-regions; an account that failed as a whole counts as its region `all`. */
function shardTargets(targets: readonly Target[], shard: Shard, log: (line: string) => void): Target[] {
  const kept = targets.flatMap((t, i) => {
    const who = t.account ?? t.label ?? String(i);
    if (t.error) return inShard(shard, who, 'all') ? [t] : [];
    const regions = t.regions.filter((r) => inShard(shard, who, r));
    return regions.length > 0 ? [{ ...t, regions }] : [];
  });
  const count = (ts: readonly Target[]): number => ts.reduce((n, t) => n + (t.error ? 1 : t.regions.length), 0);
  log(`shard ${shard.index}/${shard.count}: ${count(kept)} of ${count(targets)} account-regions`);
  return kept;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An account where nothing could be crawled: one incomplete entry per region (or `all`), with the error. */
function failedAccount(target: Target, error: ErrorInfo): CrawlResult {
  const regions = target.regions.length > 0 ? target.regions : ['all'];
  return {
    functions: [],
    regions: regions.map((region) => incompleteRegion(target.account ?? 'unknown', region, error)),
  };
}

function usesAccountFlags(flags: SourceFlags): boolean {
  return (
    flags.org === true ||
    flags.accounts !== undefined ||
    flags.excludeAccounts !== undefined ||
    flags.roleName !== undefined ||
    flags.regions === 'all'
  );
}

/** --org / --accounts / --role-name / --regions all: discovery first (src/org), then one target per account. */
async function organizationTargets(
  flags: SourceFlags,
  io: CliIo,
  log: (line: string) => void,
  skipped: SkippedAccountInfo[],
): Promise<Target[]> {
  if (flags.profile && flags.profile.length > 1)
    throw new AuditError(
      'E_USAGE',
      'with --org, --accounts or --role-name, give at most one --profile: the credentials the audit role is assumed from',
    );
  if (flags.externalId !== undefined && flags.roleName === undefined)
    throw new AuditError('E_USAGE', '--external-id goes with --role-name (the role whose trust policy asks for it)');
  const profile = flags.profile?.[0];
  const homeRegion = Array.isArray(flags.regions) ? flags.regions[0]! : await defaultRegion(profile, 'us-east-1');
  // Loaded only here: the Organizations, STS, Account and EC2 clients would double every run's start-up time.
  const { planOrganization } = await import('../org/plan.js');
  const plan = await planOrganization({
    org: flags.org === true,
    ...(flags.accounts === undefined ? {} : { accounts: flags.accounts }),
    ...(flags.excludeAccounts === undefined ? {} : { excludeAccounts: flags.excludeAccounts }),
    ...(flags.roleName === undefined ? {} : { roleName: flags.roleName }),
    ...(flags.externalId === undefined ? {} : { externalId: flags.externalId }),
    ...(profile === undefined ? {} : { profile }),
    regions: flags.regions ?? [homeRegion],
    homeRegion,
  });
  skipped.push(...plan.skipped);
  for (const s of plan.skipped) log(`skipped account ${s.account}${s.name ? ` (${s.name})` : ''}: ${s.reason}`);
  for (const [region, accounts] of plan.disabledRegions)
    log(
      `skipped region ${region}: not enabled in ${accounts.length === plan.work.length ? 'any account' : accounts.join(', ')}`,
    );
  for (const w of plan.work)
    if (w.error) log(`account ${w.account}: cannot crawl: ${w.error.code}: ${w.error.message}`);
  log(
    `accounts: ${plan.work.length} to crawl (${plan.work.reduce((n, w) => n + w.regions.length, 0)} account-regions), ${plan.skipped.length} skipped; caller ${plan.caller.account}`,
  );
  const endpoint = flags.endpoint ?? io.env.AWS_ENDPOINT_URL_LAMBDA;
  const ec2Endpoint = io.env.AWS_ENDPOINT_URL_EC2 ?? endpoint;
  const logsEndpoint = io.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ?? endpoint;
  const iamEndpoint = io.env.AWS_ENDPOINT_URL_IAM ?? endpoint;
  const key = await loadEnvHashKey(io.env, log);
  return plan.work.map((w) => {
    const auth =
      w.credentials === undefined ? (profile === undefined ? {} : { profile }) : { credentials: w.credentials };
    return {
      account: w.account,
      ...(w.error === undefined ? {} : { error: w.error }),
      regions: w.regions,
      key,
      client: {
        maxSockets: flags.concurrency + 16, // GetFunction lane, plus the shared and GetPolicy lanes (8 each)
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(ec2Endpoint === undefined ? {} : { ec2Endpoint }),
        ...(logsEndpoint === undefined ? {} : { logsEndpoint }),
        ...(iamEndpoint === undefined ? {} : { iamEndpoint }),
        ...auth,
      },
      close: () => Promise.resolve(),
    };
  });
}

async function demoTarget(flags: SourceFlags, log: (line: string) => void): Promise<Target> {
  // Transient faults and deletions only: the demo shows retries and vanished functions, and ends complete.
  const { LambdaSimulator } = await import('../simulator/server.js');
  const simulator = new LambdaSimulator({
    latencyMs: 20,
    faults: { serverErrorRate: 0.01, resetRate: 0.005, vanishRate: 0.005 },
  });
  const endpoint = await simulator.start();
  log(
    `demo: a simulated Lambda API at ${endpoint} with ${[...simulator.fleet.values()].reduce((n, m) => n + m.size, 0)} functions in ${simulator.regions.join(', ')}, at the real quotas`,
  );
  return {
    regions: Array.isArray(flags.regions) ? flags.regions : simulator.regions,
    key: DEMO_ENV_KEY,
    // The simulator serves EC2 DescribeSubnets, CloudWatch Logs DescribeLogGroups and IAM GetAccountAuthorizationDetails on the same endpoint.
    client: {
      endpoint,
      ec2Endpoint: endpoint,
      logsEndpoint: endpoint,
      iamEndpoint: endpoint,
      maxSockets: flags.concurrency + 16, // GetFunction lane, plus the shared and GetPolicy lanes (8 each)
      credentials: { accessKeyId: 'AKIDLAMBDAAUDITDEMO', secretAccessKey: 'demo-secret-not-real' },
    },
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
  const regions = Array.isArray(flags.regions) ? flags.regions : [await defaultRegion(profile)];
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
  // EC2's endpoint: AWS_ENDPOINT_URL_EC2, else the Lambda endpoint when one is set (a local
  // emulator such as the simulator, moto or LocalStack serves both), else AWS.
  const ec2Endpoint = io.env.AWS_ENDPOINT_URL_EC2 ?? endpoint;
  // CloudWatch Logs' likewise (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, the SDK's own variable for it).
  const logsEndpoint = io.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ?? endpoint;
  // IAM's likewise (AWS_ENDPOINT_URL_IAM, else a local emulator's, else AWS).
  const iamEndpoint = io.env.AWS_ENDPOINT_URL_IAM ?? endpoint;
  return {
    ...(labelled && profile !== undefined ? { label: profile } : {}),
    regions,
    client: {
      ...common,
      ...(ec2Endpoint === undefined ? {} : { ec2Endpoint }),
      ...(logsEndpoint === undefined ? {} : { logsEndpoint }),
      ...(iamEndpoint === undefined ? {} : { iamEndpoint }),
    },
    close: () => Promise.resolve(),
  };
}

async function defaultRegion(profile: string | undefined, fallback?: string): Promise<string> {
  const { LambdaClient } = loadLambdaSdk();
  const client = new LambdaClient(profile === undefined ? {} : { profile });
  try {
    return await client.config.region();
  } catch (error) {
    if (fallback !== undefined) return fallback;
    throw new AuditError(
      'E_CONFIG',
      'no region: pass --regions us-east-1,eu-west-1 or set AWS_REGION (or a region in your AWS profile)',
      { cause: error },
    );
  } finally {
    client.destroy();
  }
}
