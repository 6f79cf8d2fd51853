/**
 * The crawl: for each region, ListFunctions pages feed GetFunction calls as they arrive (list and
 * get overlap), each call paced by its quota lane. Every listed function ends up as exactly one
 * record (plus one per published version with `--include-versions`): fetched, vanished, denied or
 * failed. Nothing is dropped. With `--include-versions` the listing asks for every version
 * (`FunctionVersion=ALL`): `$LATEST` entries go on as without it, published versions wait for
 * their function's record and, where a function has any, its aliases (ListAliases).
 */
import type { AliasConfiguration, FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { setMaxListeners } from 'node:events';
import type { EnvHashKey } from '../snapshot/redact.js';
import type { ErrorInfo, FunctionRecord, RegionStats } from '../snapshot/types.js';
import { withSignal } from './client.js';
import { systemClock, type Clock } from './clock.js';
import { aliasRecords } from './alias-records.js';
import { readExposure, type ExposureReads } from './exposure.js';
import { QuotaLane, crawlUnderWay, markCrawlUnderWay, noteCrawlStarted, type CallResult } from './lane.js';
import {
  recordFromGetFunction,
  withExposure,
  recordFromListing,
  recordFromVersion,
  withAliases,
  type RecordContext,
} from './records.js';
import { errorInfo, type RetryPolicy } from './retry.js';
import { parseLambdaArn } from './arn.js';
import { SUBNET_BATCH, subnetLookup, withSubnetAzs } from './subnets.js';
import {
  mergeSecurityGroups,
  SECURITY_GROUP_BATCH,
  securityGroupLookup,
  withSecurityGroups,
  withSecurityGroupsSkipped,
} from './security-groups.js';
import {
  capacityProviderOf,
  readCapacityProviders,
  withCapacityProviders,
  type CapacityProviders,
} from './capacity-providers.js';
import { readEventSourceMappings, withEventSourceMappings, type EventSourceMappings } from './event-sources.js';
import { isZipFunction, readCodeSigning, withCodeSigning, type CodeSigningConfigs } from './code-signing.js';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2SendOf, logsSendOf, type Ec2Send, type LogsSend } from './sdk-remote.js';
import { regionKeyOfArn } from './ec2-lookup.js';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LAMBDA_LOG_PREFIX, LOG_GROUP_PAGE, skippedLogGroups, startLogGroupRead } from './log-groups.js';
import { loadEc2Sdk, loadLambdaSdk, loadLogsSdk } from './sdk.js';

// By require, not import (./sdk.ts): an ESM import of the SDK's bundle runs the CJS lexer over it first.
const { GetFunctionCommand, ListAliasesCommand, ListFunctionsCommand, ListVersionsByFunctionCommand } = loadLambdaSdk();

/** Lambda's documented control-plane quotas, per account per region (not adjustable). */
export const LAMBDA_QUOTAS = {
  /** GetFunction API requests per second. */
  getFunction: 100,
  /** Every other control-plane API request per second, shared. */
  controlPlane: 15,
  /** GetPolicy requests per second: a quota of its own. */
  getPolicy: 15,
} as const;

/**
 * How far ahead of the GetFunction calls (in seconds of them) the listing gets before the shared
 * lane's bulk reads start: more than one throttled page's Retry-After (1 s).
 */
const LISTING_LEAD_SECONDS = 2;

/** Catch-up (`RateLimiterOptions.burst`) of the 15 rps lanes, in request intervals: see `crawlRegion`. */
const SMALL_BUCKET_CATCH_UP = 0.25;
/**
 * Catch-up of the GetFunction lane at its quota, never throttled: 4 intervals (40 ms at 100 rps),
 * at most 5 requests back to back, half of the smallest bucket we model (0.1 s, 10 tokens).
 */
const GET_FUNCTION_CATCH_UP = 4;

export interface CrawlOptions {
  readonly regions: readonly string[];
  /** Builds the client for a region (the CLI uses `createLambdaClient`; tests pass their own). */
  readonly clientFor: (region: string) => LambdaClient;
  readonly envHashKey: EnvHashKey;
  /** Caps every quota group's rate, to leave headroom for other callers of the account's quota. */
  readonly maxRps?: number;
  /** @default LAMBDA_QUOTAS */
  readonly quotas?: { readonly getFunction: number; readonly controlPlane: number; readonly getPolicy?: number };
  /** GetFunction requests in flight per region. @default 32 */
  readonly concurrency?: number;
  readonly includeVersions?: boolean;
  /**
   * With `includeVersions`, where the published versions come from:
   * - `ListFunctions` (default): the region's listing with `FunctionVersion=ALL`, 50 entries a page,
   *   so versions cost a page per 50 versions instead of a call per function;
   * - `ListVersionsByFunction`: one listing per function, as before (kept for the benchmark and the
   *   test that compares both; every function then gets its ListAliases call too).
   */
  readonly versionsFrom?: 'ListFunctions' | 'ListVersionsByFunction';
  /**
   * With `includeVersions` from `ListFunctions`: which functions get a ListAliases call.
   * - `versioned` (default): only functions with at least one published version. An alias on
   *   `$LATEST` of a function that never published a version is then not seen.
   * - `all`: every function (one more control-plane call per function without versions).
   */
  readonly aliases?: 'versioned' | 'all';
  /** Which exposure reads (policy, URL, invoke config) to make; see `exposure.ts`. @default 'lean' */
  readonly exposure?: ExposureReads;
  /** @default 15000 */
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RegionProgress) => void;
  /**
   * Hears a record once it is complete (the region's bulk reads, zones, security groups, log
   * groups, mappings, signing and providers, attached to it), while the crawl still goes: the very
   * object the crawl's result will hold, for work that can start while the crawl waits on its
   * quota. Records completed at the crawl's end (those fetched last, versions read from the
   * listing) are not heard; the crawl's result is what counts.
   */
  readonly onCompleted?: (record: FunctionRecord) => void;
  /**
   * EC2 client for a region, built when first needed: resolves VPC functions' subnets to
   * Availability Zones. Without it, zones are not looked up.
   */
  readonly ec2ClientFor?: (region: string) => Promise<EC2Client>;
  /**
   * EC2's reads for a region, sent from the SDK thread (sdk-remote.ts): the CLI's. Called when the
   * listing first shows a VPC function; resolves once the thread is ready. Takes the place of
   * `ec2ClientFor` when both are given.
   */
  readonly ec2For?: (region: string) => Promise<Ec2Send>;
  /**
   * CloudWatch Logs' reads for a region, sent from the SDK thread: the CLI's. Takes the place of
   * `logsClientFor` when both are given.
   */
  readonly logsFor?: (region: string) => Promise<LogsSend>;
  /**
   * Read the region's Lambda Managed Instances capacity providers (ListCapacityProviders) when a
   * listed function runs on one; false (`--no-capacity-providers`): those functions' provider is
   * `skipped`. @default true
   */
  readonly capacityProviders?: boolean;
  /**
   * CloudWatch Logs client for a region, built when first needed: each function's log group
   * (DescribeLogGroups, `log-groups.ts`). Without it, log groups are not read (with
   * `--no-log-groups`, `crawlAccountRegion` marks them `skipped`).
   */
  readonly logsClientFor?: (region: string) => Promise<CloudWatchLogsClient>;
  /**
   * Read the region's event source mappings (ListEventSourceMappings, once per region); false
   * (`--no-event-sources`): every function's `eventSourceMappings` is unknown (`skipped`).
   */
  readonly eventSources?: boolean;
  /**
   * Read the region's code signing configs (ListCodeSigningConfigs, ListFunctionsByCodeSigningConfig)
   * when a listed function is a Zip function; false (`--no-code-signing`): Zip functions' code
   * signing is `skipped`. @default true
   */
  readonly codeSigning?: boolean;
  /**
   * Look up VPC functions' security groups (EC2 DescribeSecurityGroups, with `ec2ClientFor`); false
   * (`--no-security-groups`): their `securityGroups` part is `skipped`. @default true
   */
  readonly securityGroups?: boolean;
  /**
   * False (`--no-log-groups`): every function's `logGroup` part is `skipped`, and no log group is
   * read (give no `logsFor` or `logsClientFor`). @default true
   */
  readonly logGroups?: boolean;
}

export interface RegionProgress {
  readonly region: string;
  readonly listed: number;
  readonly done: number;
  readonly listingDone: boolean;
  readonly throttled: number;
}

export interface CrawlResult {
  readonly regions: readonly RegionStats[];
  readonly functions: readonly FunctionRecord[];
}

export async function crawl(options: CrawlOptions): Promise<CrawlResult> {
  // One internal signal for the whole crawl: every in-flight request and backoff listens to it,
  // which is far more than EventTarget's default of 10 listeners (and its warning).
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const outer = options.signal;
  if (outer?.aborted) controller.abort(outer.reason);
  const onAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    return await crawlRegions({ ...options, signal: controller.signal });
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
}

async function crawlRegions(options: CrawlOptions): Promise<CrawlResult> {
  const results = await Promise.all(options.regions.map((region) => crawlRegion(region, options)));
  return {
    regions: results.map((r) => r.stats),
    functions: results.flatMap((r) => r.functions).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0)),
  };
}

async function crawlRegion(
  region: string,
  options: CrawlOptions,
): Promise<{ stats: RegionStats; functions: FunctionRecord[] }> {
  noteCrawlStarted();
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const quotas = options.quotas ?? LAMBDA_QUOTAS;
  const cap = options.maxRps ?? Infinity;
  const concurrency = options.concurrency ?? 32;
  const laneBase = {
    clock,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.random === undefined ? {} : { random: options.random }),
  };
  const policyRate = Math.min(quotas.getPolicy ?? LAMBDA_QUOTAS.getPolicy, cap);
  // With the exposure reads, every function waits for its GetPolicy (15 rps, the crawl's floor):
  // GetFunction then goes at that pace too. Faster would finish no crawl sooner, and would spend
  // the account's GetFunction quota and the machine's CPU in a burst at the start (with many
  // account-regions at once, a burst that stalls the event loop and sends requests in clumps).
  const getRate = Math.min(quotas.getFunction, cap, (options.exposure ?? 'lean') === 'none' ? Infinity : policyRate);
  // GetFunction's bucket holds at least 0.1 s of its 100 rps (10 tokens) as far as we know, so at
  // the quota the lane catches up to GET_FUNCTION_CATCH_UP intervals of event-loop lag, which a
  // catch-up of one interval lost at every stall (about 95 rps instead of 100 on a busy machine,
  // measured in docs/benchmarks.md). Not when the bucket may be smaller or shared: under
  // `--max-rps` (what is left may be all the bucket refills, and a 0.1 s bucket of 40 rps is 4
  // tokens) and after a 429 (someone else is using the bucket), as the 15 rps lanes below.
  const capped = cap < quotas.getFunction;
  const getLane = new QuotaLane({
    ...laneBase,
    ratePerSecond: getRate,
    concurrency,
    burst: capped ? SMALL_BUCKET_CATCH_UP : GET_FUNCTION_CATCH_UP,
    burstAfterThrottle: SMALL_BUCKET_CATCH_UP,
  });
  // The 15 rps lanes catch up a quarter of an interval of timer lateness, no more: with 40
  // account-regions on one thread the event loop lags 10-15 ms on average, and a limiter that
  // catches up nothing lost that on every request (about 1 s per 150 requests, measured in
  // docs/benchmarks.md). Two requests still go at least 0.75 of an interval apart, so a bucket of
  // 1.5 tokens (0.1 s at 15 rps, the smallest we model) accepts them with a quarter of an interval
  // to spare for network jitter; a whole interval (the default) would send two back to back after
  // an idle spell (the listing), and the second would draw a 429.
  const controlLane = new QuotaLane({
    ...laneBase,
    ratePerSecond: Math.min(quotas.controlPlane, cap),
    concurrency: Math.min(8, concurrency),
    burst: SMALL_BUCKET_CATCH_UP,
  });
  const policyLane = new QuotaLane({
    ...laneBase,
    ratePerSecond: policyRate,
    concurrency: Math.min(8, concurrency),
    burst: SMALL_BUCKET_CATCH_UP,
  });
  const lanes = [getLane, controlLane, policyLane];
  const laneTotal = (key: 'requests' | 'throttled' | 'retries'): number =>
    lanes.reduce((n, lane) => n + lane.stats[key], 0);
  const client = options.clientFor(region);
  const exposureDeps = {
    client,
    policyLane,
    controlLane,
    signal,
    reads: options.exposure ?? 'lean',
  };
  const ctx: RecordContext = { region, key: options.envHashKey };
  const started = clock.now();
  const functions: FunctionRecord[] = [];
  const count = { listed: 0, done: 0 };
  let listingDone = false;
  let listingError: ErrorInfo | undefined;
  const report = (): void =>
    options.onProgress?.({
      region,
      listed: count.listed,
      done: count.done,
      listingDone,
      throttled: laneTotal('throttled'),
    });

  const byListing = options.includeVersions === true && (options.versionsFrom ?? 'ListFunctions') === 'ListFunctions';
  /** With versions from the listing: each function's published versions, by function name, in listed order. */
  const versionsOf = new Map<string, FunctionConfiguration[]>();
  /** With versions from the listing: the `$LATEST` records, completed with versions and aliases at the end. */
  const latestRecords: FunctionRecord[] = [];

  const fetchOne = async (listed: FunctionConfiguration): Promise<void> => {
    const name = listed.FunctionArn ?? listed.FunctionName;
    // GetFunction and the exposure reads go at once, each on its lane: GetPolicy is the floor.
    const [res, exposure] = await Promise.all([
      getLane.call((s) => client.send(withSignal(new GetFunctionCommand({ FunctionName: name }), s)), signal),
      readExposure(exposureDeps, listed),
    ]);
    let latest: FunctionRecord;
    if (res.ok) {
      latest = recordFromGetFunction(res.value, listed, ctx);
    } else {
      const status = res.kind === 'not-found' ? 'vanished' : res.kind === 'denied' ? 'denied' : 'failed';
      latest = recordFromListing(
        listed,
        ctx,
        status,
        status === 'vanished' ? undefined : errorInfo(res.error, res.attempts),
      );
    }
    latest = withExposure(latest, exposure);
    if (byListing) {
      latestRecords.push(latest);
    } else if (options.includeVersions && latest.status !== 'vanished' && name !== undefined) {
      // By name, not ARN: the client is already scoped to the account and region, and moto
      // (a real third-party Lambda API) answers ListVersionsByFunction by ARN with an empty list.
      const records = await fetchVersions(listed.FunctionName ?? name, latest);
      functions.push(...records);
      completeSoon(records);
    } else {
      functions.push(latest);
      completeSoon([latest]);
    }
    count.done++;
    report();
  };

  const listAliases = (name: string): Promise<CallResult<AliasConfiguration[]>> =>
    paginate<AliasConfiguration>(controlLane, signal, (marker, s) =>
      client
        .send(withSignal(new ListAliasesCommand({ FunctionName: name, MaxItems: 50, Marker: marker }), s))
        .then((o) => ({ items: o.Aliases ?? [], next: o.NextMarker })),
    );

  /**
   * A function's records once its `$LATEST` record, its listed versions and its aliases (when read)
   * are in: the same records as from ListVersionsByFunction. A vanished function keeps only its own.
   */
  const versionRecords = (
    latest: FunctionRecord,
    versions: readonly FunctionConfiguration[],
    aliases: CallResult<AliasConfiguration[]> | undefined,
  ): FunctionRecord[] => {
    if (latest.status === 'vanished') return [latest];
    if (aliases !== undefined && !aliases.ok) {
      // Deleted since it was listed: the function record stands, as with ListVersionsByFunction.
      if (aliases.kind === 'not-found') return [latest];
      return [{ ...latest, versionsError: errorInfo(aliases.error, aliases.attempts) }];
    }
    const aliasList = aliases?.value ?? [];
    return [
      withAliases(latest, aliasList),
      ...versions.map((v) => withAliases(recordFromVersion(v, latest, ctx), aliasList)),
    ];
  };

  const fetchVersions = async (name: string, latest: FunctionRecord): Promise<FunctionRecord[]> => {
    const versions = await paginate(controlLane, signal, (marker, s) =>
      client
        .send(withSignal(new ListVersionsByFunctionCommand({ FunctionName: name, MaxItems: 50, Marker: marker }), s))
        .then((o) => ({ items: o.Versions ?? [], next: o.NextMarker })),
    );
    const aliases = await listAliases(name);
    const failure = [versions, aliases].find((r) => !r.ok);
    if (failure && !failure.ok) {
      const kind = failure.kind;
      // Vanished between GetFunction and the version listing: the function record stands.
      if (kind === 'not-found') return [latest];
      return [{ ...latest, versionsError: errorInfo(failure.error, failure.attempts) }];
    }
    const aliasList = aliases.ok ? aliases.value : [];
    const published = (versions.ok ? versions.value : []).filter(
      (v) => v.Version !== undefined && v.Version !== '$LATEST',
    );
    return [
      withAliases(latest, aliasList),
      ...published.map((v) => withAliases(recordFromVersion(v, latest, ctx), aliasList)),
      ...(await aliasRecords(exposureDeps, latest, aliasList)),
    ];
  };

  // Log groups (CloudWatch Logs DescribeLogGroups, its own lane): the `/aws/lambda/` prefix read
  // needs nothing from the listing, so it starts now and overlaps the crawl; see log-groups.ts.
  const logsClientFor = options.logsClientFor;
  const logsFor =
    options.logsFor ??
    (logsClientFor &&
      (async (r: string): Promise<LogsSend> => {
        // A client of this thread: not before the crawl's first answer (loading the SDK stalls
        // the thread, sdk.ts), and loaded now, not in a lane's first attempt.
        await crawlUnderWay();
        const client = await logsClientFor(r);
        loadLogsSdk();
        return logsSendOf(client);
      }));
  const logGroupRead = logsFor
    ? startLogGroupRead({ ...laneBase, logs: () => logsFor(region), signal, maxRps: cap })
    : undefined;

  const pending: Promise<void>[] = [];
  const listedNames: string[] = [];
  // Started by the first listed function on a capacity provider, on the shared lane behind the pages.
  let providerRead: Promise<CapacityProviders> | undefined;
  const readProviders = options.capacityProviders !== false;
  // Subnet zones and security groups (EC2, one lane each): built when the listing first shows a VPC
  // function, and fed the ids the listing's pages name, so that they are looked up while the
  // GetFunction calls go (ec2-lookup.ts); the records get them at the end.
  const ec2ClientFor = options.ec2ClientFor;
  const ec2For =
    options.ec2For ??
    (ec2ClientFor &&
      (async (r: string): Promise<Ec2Send> => {
        // A client of this thread: its SDK loads now, not in a lane's first attempt.
        const client = await ec2ClientFor(r);
        loadEc2Sdk();
        return ec2SendOf(client);
      }));
  let ec2: Promise<Ec2Send> | undefined;
  const ec2Lookups = ec2For && {
    subnets: subnetLookup({ ...laneBase, ec2: () => (ec2 ??= ec2For(region)), signal, maxRps: cap }),
    groups:
      options.securityGroups === false
        ? undefined
        : securityGroupLookup({ ...laneBase, ec2: () => (ec2 ??= ec2For(region)), signal, maxRps: cap }),
  };
  /** Custom log group names the listing named, not handed to the log group read yet. */
  const customLogGroups: string[] = [];
  /** Ids the listing named that are not handed to the lookups yet, by account/region. */
  const listedIds = { subnets: new Map<string, Set<string>>(), groups: new Map<string, Set<string>>(), count: 0 };
  /**
   * Hands what the listing named to the lookups: during the listing whole batches only (a part
   * batch now and its rest later would be two calls where one does), at its end (`final`) the rest.
   */
  const handOver = (final: boolean): void => {
    for (const [ids, lookup, batch] of [
      [listedIds.subnets, ec2Lookups?.subnets, SUBNET_BATCH],
      [listedIds.groups, ec2Lookups?.groups, SECURITY_GROUP_BATCH],
    ] as const)
      for (const [key, set] of ids) {
        if (!final && set.size < batch) continue;
        lookup?.prefetch(key, set);
        ids.delete(key);
      }
    listedIds.count = 0;
    const names = final ? customLogGroups.length : customLogGroups.length - (customLogGroups.length % LOG_GROUP_PAGE);
    logGroupRead?.prefetch(customLogGroups.splice(0, names));
  };
  // Event source mappings: one paginated read per region, started by the first listing page that
  // shows a function, on the shared lane behind the pages (event-sources.ts).
  let mappingRead: Promise<EventSourceMappings> | undefined;
  const readMappings = options.eventSources !== false;
  // Code signing (code-signing.ts): started by the first listed Zip function, on the shared lane
  // behind the pages; a region of image functions only reads nothing.
  let signingRead: Promise<CodeSigningConfigs> | undefined;
  let sawZip = false;
  const readSigning = options.codeSigning !== false;
  /** Bulk reads on the shared lane the listing has called for (see `startBulkReads`). */
  const wanted = { mappings: false, providers: false, signing: false };
  /**
   * Starts the shared lane's bulk reads the listing has called for, once the listing is
   * `LISTING_LEAD_SECONDS` of GetFunction calls ahead (or done). Before that, the lane is the
   * pages' alone: a request between two pages is what a stall clumps with a page, the lane's
   * small bucket throttles one of them, and a throttled page waits out Retry-After (1 s or more)
   * while GetFunction runs out of listed functions (measured: 0.7 s lost in 1 run of 6 when the
   * second page was throttled). Their answers are needed at the crawl's end only.
   */
  const startBulkReads = (): void => {
    // Each is awaited below; an abort before then must not surface as unhandled.
    const started = <T>(read: Promise<T>): Promise<T> => (read.catch(() => undefined), read);
    if (wanted.mappings) mappingRead ??= started(readEventSourceMappings(client, controlLane, signal));
    if (wanted.providers) providerRead ??= started(readCapacityProviders(client, controlLane, signal));
    if (wanted.signing) signingRead ??= started(readCodeSigning(client, controlLane, signal));
  };
  /**
   * The records with what the region's bulk reads found, in the same order, and the lookups' tallies
   * so far. Each step maps record to record, so a batch completed early is completed as it would be
   * at the end; a read not in yet is waited for.
   */
  const completeRecords = async (batch: readonly FunctionRecord[]) => {
    let out = batch;
    // Capacity providers before the subnet zones: a function on one runs in the provider's subnets.
    if (providerRead !== undefined || !readProviders) out = withCapacityProviders(out, await providerRead);
    // Event source mappings on each function's own record (`[]`: none), or unknown (event-sources.ts).
    if (mappingRead !== undefined || !readMappings) out = withEventSourceMappings(out, await mappingRead);
    // Code signing: every record gets its config (or null); Zip functions an unknown part when not read.
    if (sawZip) out = withCodeSigning(out, await signingRead);
    // Subnet Availability Zones (EC2 DescribeSubnets) and security groups (DescribeSecurityGroups),
    // at the same time, one lane each (EC2 throttles per action): what the listing named is looked
    // up by now; only ids it did not show (a capacity provider's, a function changed since it was
    // listed) are asked for here. See subnets.ts and security-groups.ts. Each adds its own key to
    // the records; the SG records are merged in below.
    const [subnetsFound, sgLookup] = ec2Lookups
      ? await Promise.all([
          withSubnetAzs(out, ec2Lookups.subnets),
          ec2Lookups.groups === undefined ? undefined : withSecurityGroups(out, ec2Lookups.groups),
        ])
      : [undefined, undefined];
    if (subnetsFound) out = subnetsFound.functions;
    if (sgLookup) out = mergeSecurityGroups(out, sgLookup.functions);
    else if (options.securityGroups === false) out = withSecurityGroupsSkipped(out);
    // Each function's log group: the prefix read is (nearly) done by now; custom names go in batches.
    const logGroups = logGroupRead ? await logGroupRead.attach(out) : undefined;
    if (logGroups) out = logGroups.functions;
    else if (options.logGroups === false) out = skippedLogGroups(out);
    return { functions: out, subnetsFound, sgLookup, logGroups };
  };
  /**
   * Records completed while the crawl goes. Once the listing is done (every bulk read it calls for
   * has started), each fetched record is completed as soon as the reads are in, a batch at a
   * time, and `onCompleted` hears it; the crawl's end completes only what is left. The rules can
   * then judge most records while the crawl waits on its quota (scan.ts), and the end attaches
   * the reads to the last few records instead of all of them (35 ms at 1,500 functions).
   */
  const completion = {
    open: false,
    waiting: [] as FunctionRecord[],
    /** Completed records, by the fetched record they were completed from. */
    done: new Map<FunctionRecord, FunctionRecord>(),
    draining: undefined as Promise<void> | undefined,
  };
  const completeSoon = (records: readonly FunctionRecord[]): void => {
    completion.waiting.push(...records);
    if (!completion.open || completion.draining !== undefined || completion.waiting.length === 0) return;
    completion.draining = (async () => {
      try {
        while (completion.open && completion.waiting.length > 0) {
          const batch = completion.waiting.splice(0);
          const completed = (await completeRecords(batch)).functions;
          for (const [i, fetched] of batch.entries()) {
            const record = completed[i] as FunctionRecord;
            completion.done.set(fetched, record);
            options.onCompleted?.(record);
          }
        }
      } catch {
        // An abort: the crawl's end completes what is left, and meets it there.
        completion.open = false;
      } finally {
        completion.draining = undefined;
      }
    })();
  };
  let marker: string | undefined;
  do {
    const page = await controlLane.call(
      (s) =>
        client.send(
          withSignal(
            new ListFunctionsCommand({
              MaxItems: 50,
              Marker: marker,
              ...(byListing ? { FunctionVersion: 'ALL' } : {}),
            }),
            s,
          ),
        ),
      signal,
      // Ahead of the exposure and version reads that share the lane: the pages feed every lane.
      { first: true },
    );
    if (!page.ok) {
      listingError = errorInfo(page.error, page.attempts);
      break;
    }
    if ((page.value.Functions ?? []).length > 0) wanted.mappings = readMappings;
    for (const entry of page.value.Functions ?? []) {
      const customLogGroup = entry.LoggingConfig?.LogGroup;
      if (logGroupRead && customLogGroup && !customLogGroup.startsWith(LAMBDA_LOG_PREFIX))
        customLogGroups.push(customLogGroup);
      if (ec2Lookups && (entry.VpcConfig?.SubnetIds?.length ?? 0) > 0) {
        if (ec2 === undefined) {
          ec2 = ec2For(region); // the SDK thread is asked for now
          ec2.catch(() => undefined); // awaited by the lookups, which turn a failure into unknown parts
        }
        const key = regionKeyOfArn(entry.FunctionArn ?? '');
        for (const [ids, add] of [
          [listedIds.subnets, entry.VpcConfig?.SubnetIds ?? []],
          [listedIds.groups, entry.VpcConfig?.SecurityGroupIds ?? []],
        ] as const) {
          const set = ids.get(key) ?? new Set<string>();
          for (const id of add) set.add(id);
          ids.set(key, set);
          listedIds.count += add.length;
        }
      }
      if (readProviders && capacityProviderOf(entry) !== undefined) wanted.providers = true;
      if (!sawZip && isZipFunction(entry)) {
        sawZip = true;
        wanted.signing = readSigning;
      }
      const fn = byListing ? latestEntry(entry, versionsOf) : entry;
      if (fn === undefined) continue; // a published version: a record once its function's is done
      count.listed++;
      if (fn.FunctionName !== undefined) listedNames.push(fn.FunctionName);
      const fetched = fetchOne(fn);
      // Seen by Promise.all below; until the listing gets there, an interrupt rejects these
      // calls, and an unhandled rejection would end the process with exit 1 instead of 130.
      fetched.catch(() => undefined);
      pending.push(fetched);
    }
    // A batch's worth of ids goes at once; the rest with the listing's end.
    if (listedIds.count >= SUBNET_BATCH || customLogGroups.length >= LOG_GROUP_PAGE) handOver(false);
    marker = page.value.NextMarker;
    if (count.listed - count.done >= getRate * LISTING_LEAD_SECONDS) startBulkReads();
    report();
  } while (marker);
  listingDone = true;
  startBulkReads();
  // Every bulk read the listing called for has started: fetched records are completed from now on.
  completion.open = true;
  completeSoon([]);
  // What loads an SDK in this thread (the role read's IAM SDK) goes now: a stall of the event loop
  // during the listing sends the shared lane's queued requests (pages, mappings, code signing) in
  // a clump, its small bucket throttles one, and a throttled page waits out Retry-After (1 s or
  // more) while GetFunction runs out of listed functions (measured: 0.35-0.75 s of 16). After the
  // listing, a stall costs GetFunction only what its lane cannot catch up.
  markCrawlUnderWay();
  // The rest at once, with the capacity providers' subnets and groups once their read is in (it
  // started with the first function on one, so it is usually in by now).
  void (providerRead ?? Promise.resolve(undefined)).then(
    (providers) => {
      if (providers !== undefined && !('reason' in providers))
        for (const p of providers.values()) {
          const key = regionKeyOfArn(p.CapacityProviderArn);
          for (const [ids, add] of [
            [listedIds.subnets, p.VpcConfig?.SubnetIds ?? []],
            [listedIds.groups, p.VpcConfig?.SecurityGroupIds ?? []],
          ] as const)
            ids.set(key, new Set([...(ids.get(key) ?? []), ...add]));
        }
      handOver(true);
    },
    () => handOver(true),
  );
  // Aliases start with the end of the listing (the shared lane is then free of ListFunctions
  // pages) and overlap the tail of the GetFunction calls.
  const aliasReads = new Map<string, Promise<CallResult<AliasConfiguration[]>>>();
  // Also after a listing that failed part-way: the versions listed so far keep their aliases (the
  // region is reported incomplete with the listing's error either way).
  if (byListing) {
    const names = options.aliases === 'all' ? listedNames : [...versionsOf.keys()];
    for (const name of names) {
      const read = listAliases(name);
      read.catch(() => undefined); // awaited below; an abort must not surface as unhandled first
      aliasReads.set(name, read);
    }
  }
  await Promise.all(pending);
  if (byListing) {
    // Each alias's policy and URL: read at once for every function, on their lanes.
    const completed = await Promise.all(
      latestRecords.map(async (latest) => {
        const read = aliasReads.get(latest.name);
        const aliases = read ? await read : undefined;
        const records = versionRecords(latest, versionsOf.get(latest.name) ?? [], aliases);
        const readAliases = aliases?.ok === true ? aliases.value : [];
        return [...records, ...(await aliasRecords(exposureDeps, latest, readAliases))];
      }),
    );
    for (const records of completed) functions.push(...records);
  }
  report();

  // What was fetched last (and versions read from the listing) is completed now.
  completion.open = false;
  await completion.draining;
  const rest = functions.filter((f) => !completion.done.has(f));
  const { functions: restCompleted, subnetsFound, sgLookup, logGroups } = await completeRecords(rest);
  const completedAtEnd = new Map(rest.map((f, i) => [f, restCompleted[i] as FunctionRecord]));
  functions.splice(
    0,
    functions.length,
    ...functions.map((f) => completion.done.get(f) ?? (completedAtEnd.get(f) as FunctionRecord)),
  );
  /** Requests, 429s and retries of the lanes outside Lambda's (EC2, CloudWatch Logs). */
  const extra = (key: 'requests' | 'throttled' | 'retries'): number =>
    [subnetsFound, sgLookup, logGroups].reduce((n, lookup) => n + (lookup?.[key] ?? 0), 0);

  const latest = functions.filter(
    (f) => f.qualifier === '$LATEST' || (f.source !== 'ListVersionsByFunction' && f.source !== 'ListAliases'),
  );
  const aliasCount = functions.filter((f) => f.source === 'ListAliases').length;
  const tally = (status: FunctionRecord['status']): number => latest.filter((f) => f.status === status).length;
  const versionFailures = functions.filter((f) => f.versionsError !== undefined).length;
  const unread = unreadParts(latest);
  const stats: RegionStats = {
    account: mostCommonAccount(functions),
    region,
    complete:
      listingError === undefined &&
      tally('failed') + tally('denied') + versionFailures + unread.denied + unread.failed === 0,
    listed: count.listed,
    fetched: tally('ok'),
    vanished: tally('vanished'),
    denied: tally('denied'),
    failed: tally('failed'),
    versions: functions.length - latest.length - aliasCount,
    ...(unread.denied > 0 ? { partsDenied: unread.denied } : {}),
    ...(unread.failed > 0 ? { partsFailed: unread.failed } : {}),
    throttled: laneTotal('throttled') + extra('throttled'),
    retries: laneTotal('retries') + extra('retries'),
    requests: laneTotal('requests') + extra('requests'),
    durationMs: Math.round(clock.now() - started),
    ...(listingError === undefined ? {} : { error: listingError }),
  };
  return { stats, functions };
}

/**
 * An entry of a `FunctionVersion=ALL` listing: the `$LATEST` entry of a function is returned, with
 * the unqualified ARN the default listing has (Lambda and moto qualify it with `:$LATEST` here); a
 * published version is filed under its function's name and `undefined` returned.
 */
function latestEntry(
  entry: FunctionConfiguration,
  versionsOf: Map<string, FunctionConfiguration[]>,
): FunctionConfiguration | undefined {
  const version = entry.Version;
  if (version !== undefined && version !== '$LATEST') {
    const name = entry.FunctionName ?? parseLambdaArn(entry.FunctionArn ?? '')?.name;
    if (name === undefined) return undefined;
    const list = versionsOf.get(name) ?? [];
    list.push(entry);
    versionsOf.set(name, list);
    return undefined;
  }
  const arn = entry.FunctionArn;
  return arn?.endsWith(':$LATEST') ? { ...entry, FunctionArn: arn.slice(0, -':$LATEST'.length) } : entry;
}

async function paginate<T>(
  lane: QuotaLane,
  signal: AbortSignal,
  page: (marker: string | undefined, s: AbortSignal) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<CallResult<T[]>> {
  const items: T[] = [];
  let marker: string | undefined;
  let attempts = 0;
  do {
    const res = await lane.call((s) => page(marker, s), signal);
    attempts += res.attempts;
    if (!res.ok) return res;
    items.push(...res.value.items);
    marker = res.value.next;
  } while (marker);
  return { ok: true, value: items, attempts };
}

/**
 * Who can invoke a function is what a scan is for: a policy, URL or invoke config that could not be
 * read leaves the crawl incomplete (exit 3). Tags (TagsError) and subnet zones (DescribeSubnets)
 * that could not be read are not: the rules that need them count the functions as not judged.
 */
const PARTS_FOR_COMPLETENESS = new Set(['policy', 'functionUrl', 'eventInvokeConfig']);

/**
 * Exposure parts (policy, URL, invoke config) that were denied or failed, counted per function and
 * part. Parts of a function whose GetFunction failed are already counted by its status.
 */
function unreadParts(records: readonly FunctionRecord[]): { denied: number; failed: number } {
  const out = { denied: 0, failed: 0 };
  for (const r of records) {
    if (r.status !== 'ok') continue;
    for (const part of r.unknown ?? []) {
      if (!PARTS_FOR_COMPLETENESS.has(part.path)) continue;
      if (part.reason === 'denied') out.denied++;
      else if (part.reason === 'failed') out.failed++;
    }
  }
  return out;
}

function mostCommonAccount(functions: readonly FunctionRecord[]): string {
  const counts = new Map<string, number>();
  for (const f of functions) counts.set(f.account, (counts.get(f.account) ?? 0) + 1);
  let best = 'unknown';
  let bestCount = 0;
  for (const [account, n] of counts) if (n > bestCount && account !== 'unknown') [best, bestCount] = [account, n];
  return best;
}
