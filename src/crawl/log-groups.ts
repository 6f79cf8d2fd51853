/**
 * Each function's CloudWatch Logs log group (DescribeLogGroups, read-only): its retention, KMS key
 * and class, for `log-retention-missing` and `log-group-kms-missing`.
 *
 * - Two reads per region, never one per function:
 *   1. by prefix (`logGroupNamePrefix: '/aws/lambda/'`, pages of 50): every group named the way
 *      Lambda names them. It needs nothing from the listing, so it starts with the region's crawl
 *      and overlaps the GetFunction/GetPolicy calls (`startLogGroupRead`).
 *   2. by name (`logGroupIdentifiers`, up to 50 a call; the API takes names there, and refuses them
 *      together with a prefix), for the functions whose `LoggingConfig.LogGroup` is outside
 *      `/aws/lambda/`: only those, started with the names the listing's pages show (`prefetch`),
 *      so that it too overlaps the GetFunction calls; names only the fetched records show go at
 *      the end (`attach`).
 * - Its own quota lane: CloudWatch Logs throttles DescribeLogGroups per account and Region, with a
 *   documented default of 10 transactions per second (CloudWatch Logs quotas,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html), so the lane
 *   paces at 10/s (capped by `--max-rps`), leaving Lambda's lanes untouched.
 * - What a function gets (`logGroup` on its record): `{ logGroupName, retentionInDays?, kmsKeyId?,
 *   logGroupClass? }`, or `null` when the read saw every group there is and the function's is not
 *   among them: a function that never ran (or never logged) has no group yet. `null` is not "kept
 *   forever": the rules do not fire on it (Lambda creates the group at the first log line, without
 *   retention, unless something else creates it first; nothing to judge until then).
 * - Not fatal: refused (AccessDeniedException: no logs:DescribeLogGroups) or failed after retries,
 *   the functions whose groups that read would have shown get an unknown part `logGroup` (reason
 *   `denied` or `failed`); `--no-log-groups` gives `skipped`. The rules that need it are not judged;
 *   the run is not incomplete for it (as for tags and subnet zones).
 */
import type { DescribeLogGroupsCommandOutput, LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import type { FunctionRecord, LogGroupInfo, UnknownPart } from '../snapshot/types.js';
import { QuotaLane, type LaneOptions } from './lane.js';
import type { LogsSend } from './sdk-remote.js';
import { errorInfo } from './retry.js';

/** DescribeLogGroups requests per second per account and Region (CloudWatch Logs' documented default). */
export const LOGS_DESCRIBE_RATE = 10;
/** Log groups per DescribeLogGroups page, and names per `logGroupIdentifiers` call (the API's maximum for both). */
export const LOG_GROUP_PAGE = 50;
/** Where Lambda puts a function's log group unless `LoggingConfig.LogGroup` says otherwise. */
export const LAMBDA_LOG_PREFIX = '/aws/lambda/';

export interface LogGroupReadOptions extends Omit<LaneOptions, 'ratePerSecond' | 'concurrency'> {
  /** How to send DescribeLogGroups (the crawl's: from the SDK thread, sdk-remote.ts); called once. */
  readonly logs: () => LogsSend | Promise<LogsSend>;
  readonly signal: AbortSignal;
  /** Caps the lane's rate (`--max-rps`). */
  readonly maxRps?: number;
  /** @default LOGS_DESCRIBE_RATE */
  readonly ratePerSecond?: number;
}

export interface LogGroupResult {
  readonly functions: FunctionRecord[];
  readonly requests: number;
  readonly throttled: number;
  readonly retries: number;
}

/** Groups by name, or why they are unknown. */
type Groups = ReadonlyMap<string, LogGroupInfo> | UnknownPart;

export interface LogGroupRead {
  /**
   * Starts the by-name lookup of these groups (custom `LoggingConfig.LogGroup` names the listing
   * shows), so that it runs while the functions are fetched; returns at once.
   */
  prefetch(names: Iterable<string>): void;
  /** The records with `logGroup` (or an unknown part `logGroup`) on each function's record. */
  attach(functions: readonly FunctionRecord[]): Promise<LogGroupResult>;
}

/** The log group Lambda writes a function's logs to. */
export function logGroupNameOf(f: Pick<FunctionRecord, 'name' | 'configuration'>): string {
  const custom = f.configuration.LoggingConfig?.LogGroup;
  return custom !== undefined && custom !== '' ? custom : `${LAMBDA_LOG_PREFIX}${f.name}`;
}

/** Starts the prefix read now; the by-name lookups go when `attach` is given the functions. */
export function startLogGroupRead(options: LogGroupReadOptions): LogGroupRead {
  const lane = new QuotaLane({
    ...options,
    ratePerSecond: Math.min(options.ratePerSecond ?? LOGS_DESCRIBE_RATE, options.maxRps ?? Infinity),
    concurrency: 4,
  });
  // The sender (the SDK thread, or a client here) is ready before the first call goes on the lane:
  // loading an SDK must not count against that call's timeout.
  const ready: Promise<Describe | UnknownPart> = (async () => {
    try {
      const send = await options.logs();
      return (input, s) => send(input, s);
    } catch (error) {
      return { path: 'logGroup', reason: 'failed', detail: `CloudWatch Logs client: ${(error as Error).message}` };
    }
  })();
  const byPrefix = ready.then((describe) =>
    typeof describe === 'function'
      ? readPages(lane, describe, { logGroupNamePrefix: LAMBDA_LOG_PREFIX }, options.signal)
      : describe,
  );
  byPrefix.catch(() => undefined); // awaited by `attach`; an abort before then must not surface as unhandled
  // Custom names, each asked for once: what the listing named (prefetch), then what only the
  // fetched records name. One lookup at a time: the first refusal stops the ones after it.
  const asked = new Set<string>();
  const named = new Map<string, LogGroupInfo>();
  let byNameUnknown: UnknownPart | undefined;
  let byNameWork: Promise<void> = Promise.resolve();
  const prefetch = (names: Iterable<string>): void => {
    const fresh = [...new Set(names)].filter((n) => !n.startsWith(LAMBDA_LOG_PREFIX) && !asked.has(n)).sort();
    if (fresh.length === 0) return;
    for (const n of fresh) asked.add(n);
    byNameWork = byNameWork.then(async () => {
      if (byNameUnknown !== undefined) return;
      const describe = await ready;
      const found =
        typeof describe === 'function' ? await readByName(lane, describe, fresh, options.signal, named) : describe;
      if (isUnknown(found)) byNameUnknown = found;
    });
    byNameWork.catch(() => undefined); // awaited by `attach`; an abort before then must not surface as unhandled
  };
  return {
    prefetch,
    async attach(functions) {
      const prefixed = await byPrefix;
      prefetch(functions.filter(judged).map(logGroupNameOf));
      await byNameWork;
      const byName: Groups = byNameUnknown ?? named;
      const out = functions.map((f) => {
        if (!judged(f)) return f;
        const name = logGroupNameOf(f);
        const found = name.startsWith(LAMBDA_LOG_PREFIX) ? prefixed : byName;
        if (isUnknown(found)) return withUnknown(f, found);
        return { ...f, logGroup: found.get(name) ?? null };
      });
      return { functions: out, ...lane.stats };
    },
  };
}

/** With `--no-log-groups`: every function's group is `skipped`. */
export function skippedLogGroups(functions: readonly FunctionRecord[]): FunctionRecord[] {
  return functions.map((f) =>
    judged(f) ? withUnknown(f, { path: 'logGroup', reason: 'skipped', detail: '--no-log-groups' }) : f,
  );
}

type DescribeInput = {
  readonly logGroupNamePrefix?: string;
  readonly logGroupIdentifiers?: string[];
  readonly limit?: number;
  readonly nextToken?: string;
};
type Describe = (input: DescribeInput, signal: AbortSignal) => Promise<DescribeLogGroupsCommandOutput>;

async function readPages(
  lane: QuotaLane,
  describe: Describe,
  filter: DescribeInput,
  signal: AbortSignal,
  into = new Map<string, LogGroupInfo>(),
): Promise<Map<string, LogGroupInfo> | UnknownPart> {
  let token: string | undefined;
  do {
    const next = token;
    const res = await lane.call(
      (s) => describe({ ...filter, limit: LOG_GROUP_PAGE, ...(next === undefined ? {} : { nextToken: next }) }, s),
      signal,
    );
    if (!res.ok) {
      const error = errorInfo(res.error, res.attempts);
      return {
        path: 'logGroup',
        reason: res.kind === 'denied' ? 'denied' : 'failed',
        detail: `logs:DescribeLogGroups ${error.code}`,
      };
    }
    for (const g of res.value.logGroups ?? []) {
      const info = groupInfo(g);
      if (info) into.set(info.logGroupName, info);
    }
    token = res.value.nextToken;
  } while (token);
  return into;
}

/** The named groups, 50 names a call, the calls side by side on the lane. */
async function readByName(
  lane: QuotaLane,
  describe: Describe,
  names: readonly string[],
  signal: AbortSignal,
  groups = new Map<string, LogGroupInfo>(),
): Promise<Map<string, LogGroupInfo> | UnknownPart> {
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += LOG_GROUP_PAGE) batches.push(names.slice(i, i + LOG_GROUP_PAGE));
  const results = await Promise.all(
    batches.map((batch) => readPages(lane, describe, { logGroupIdentifiers: batch }, signal, groups)),
  );
  return results.find(isUnknown) ?? groups;
}

/** Records that have a log group to look up: not vanished, not an alias (its version's record has it). */
function judged(f: FunctionRecord): boolean {
  return f.status !== 'vanished' && f.source !== 'ListAliases';
}

function isUnknown(groups: Groups): groups is UnknownPart {
  return 'reason' in groups;
}

function withUnknown(f: FunctionRecord, part: UnknownPart): FunctionRecord {
  return { ...f, unknown: [...(f.unknown ?? []), part] };
}

/** What the rules need of a group: no sizes or timestamps (drift would see every log line). */
function groupInfo(g: LogGroup): LogGroupInfo | undefined {
  if (g.logGroupName === undefined) return undefined;
  return {
    logGroupName: g.logGroupName,
    ...(g.retentionInDays === undefined || g.retentionInDays === null ? {} : { retentionInDays: g.retentionInDays }),
    ...(g.kmsKeyId === undefined || g.kmsKeyId === '' ? {} : { kmsKeyId: g.kmsKeyId }),
    ...(g.logGroupClass === undefined ? {} : { logGroupClass: g.logGroupClass }),
  };
}
