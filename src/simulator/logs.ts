/**
 * CloudWatch Logs DescribeLogGroups for the simulator's fleet, in the Logs protocol as the real SDK
 * speaks it (awsJson1_1): `POST /` with `X-Amz-Target: Logs_20140328.DescribeLogGroups`, a JSON
 * body (`logGroupNamePrefix` or `logGroupIdentifiers`, never both; `limit` up to 50; `nextToken`),
 * a JSON answer (`{"logGroups":[...],"nextToken":...}`), errors as `{"__type":...,"message":...}`
 * with HTTP 400. Quota: 10 requests/s per account-region (CloudWatch Logs' documented default for
 * DescribeLogGroups); throttled requests get `ThrottlingException`.
 *
 * The groups are those the fleet plants (`plantLogGroups`), under each function's
 * `LoggingConfig.LogGroup` (else `/aws/lambda/<name>`), plus a group left behind by a deleted
 * function. Per function, with the rules that should fire on it (`SimLogs.expected`):
 * - kept 14-90 days, no key: `log-group-kms-missing`;
 * - no retention, no key: `log-retention-missing`, `log-group-kms-missing`;
 * - kept 30 days with a KMS key: nothing;
 * - no group (never logged): nothing (`logGroup` null);
 * - a custom `LoggingConfig.LogGroup` outside `/aws/lambda/` (read by name, not by the prefix),
 *   with a key and no retention: `log-retention-missing`.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet, SimFunction } from './fleet.js';
import { TokenBucket } from './token-bucket.js';

export const LOG_RULES = ['log-group-kms-missing', 'log-retention-missing'] as const;
export type LogRuleId = (typeof LOG_RULES)[number];

export interface SimLogGroup {
  readonly retentionInDays?: number;
  readonly kmsKeyId?: string;
}

export interface SimLogs {
  /** The function's log group; absent: it never logged, there is no group. */
  group?: SimLogGroup;
  /** The rules of `LOG_RULES` that should fire on this function, sorted. */
  expected: LogRuleId[];
}

export interface LogsSimulatorOptions {
  /** Answer every call with AccessDeniedException (the caller lacks logs:DescribeLogGroups). */
  readonly deny?: boolean;
  /** Answer calls by name (`logGroupIdentifiers`) with AccessDeniedException only. */
  readonly denyByName?: boolean;
}

export interface LogsContext {
  readonly fleets: ReadonlyMap<string, Fleet>;
  readonly account: string;
  readonly region: string;
  readonly options: LogsSimulatorOptions;
  readonly buckets: Map<string, TokenBucket>;
  readonly stats: { requests: number; throttled: number; byOperation: Record<string, number> };
}

const TARGET_PREFIX = 'Logs_20140328.';
const PAGE_MAX = 50;

/** Whether a request is a CloudWatch Logs call (awsJson1_1: `X-Amz-Target: Logs_20140328.<Operation>`). */
export function isLogsRequest(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

/** Where Lambda writes the function's logs. */
export function simLogGroupName(fn: SimFunction): string {
  const custom = fn.configuration.LoggingConfig?.LogGroup;
  return custom !== undefined && custom !== '' ? custom : `/aws/lambda/${fn.configuration.FunctionName ?? ''}`;
}

/**
 * Gives every function a log group case (from a hash of its name: every other draw of the fleet
 * stays as it was) and the rules that should fire on it.
 */
export function plantLogGroups(fleet: Fleet, account: string): void {
  for (const [region, functions] of fleet)
    for (const fn of functions.values()) {
      const name = fn.configuration.FunctionName ?? '';
      const h = createHash('sha256').update(`logs:${name}`).digest().readUInt32BE(0) % 100;
      const key = `arn:aws:kms:${region}:${account}:key/0109c0de-0000-4000-8000-0000000000${(h % 90) + 10}`;
      if (h < 45)
        fn.logs = { group: { retentionInDays: [14, 30, 90][h % 3] ?? 14 }, expected: ['log-group-kms-missing'] };
      else if (h < 75) fn.logs = { group: {}, expected: ['log-group-kms-missing', 'log-retention-missing'] };
      else if (h < 88) fn.logs = { group: { retentionInDays: 30, kmsKeyId: key }, expected: [] };
      else if (h < 94) fn.logs = { expected: [] };
      else {
        const team = fn.tags.team ?? 'shared';
        fn.configuration.LoggingConfig = { ...fn.configuration.LoggingConfig, LogGroup: `/custom/${team}/${name}` };
        for (const v of fn.versions) v.LoggingConfig = { ...v.LoggingConfig, LogGroup: `/custom/${team}/${name}` };
        fn.logs = { group: { kmsKeyId: key }, expected: ['log-retention-missing'] };
      }
    }
}

interface Group extends SimLogGroup {
  readonly logGroupName: string;
}

/** The account-region's log groups, sorted by name (as DescribeLogGroups returns them). */
function groupsOf(functions: ReadonlyMap<string, SimFunction> | undefined): Group[] {
  const groups = new Map<string, Group>();
  let planted = false;
  for (const fn of functions?.values() ?? []) {
    if (fn.logs) planted = true;
    const group = fn.logs?.group;
    if (group) groups.set(simLogGroupName(fn), { logGroupName: simLogGroupName(fn), ...group });
  }
  // Left behind by a deleted function: listed by the prefix read, matched to no function.
  if (planted) groups.set('/aws/lambda/deleted-function', { logGroupName: '/aws/lambda/deleted-function' });
  return [...groups.values()].sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1));
}

export function handleLogs(ctx: LogsContext, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
    ctx.stats.requests++;
    ctx.stats.byOperation[operation] = (ctx.stats.byOperation[operation] ?? 0) + 1;
    if (operation !== 'DescribeLogGroups') {
      error(res, 'UnknownOperationException', `The simulator serves DescribeLogGroups only; got ${operation}`);
      return;
    }
    const key = `${ctx.account}/${ctx.region}/logs`;
    let bucket = ctx.buckets.get(key);
    if (!bucket) ctx.buckets.set(key, (bucket = new TokenBucket({ rate: 10, burstSeconds: 1 })));
    if (!bucket.take().ok) {
      ctx.stats.throttled++;
      error(res, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    let input: {
      logGroupNamePrefix?: unknown;
      logGroupIdentifiers?: unknown;
      limit?: unknown;
      nextToken?: unknown;
    };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof input;
    } catch {
      error(res, 'SerializationException', 'Malformed JSON');
      return;
    }
    const byName = input.logGroupIdentifiers !== undefined;
    if (ctx.options.deny || (byName && ctx.options.denyByName)) {
      error(
        res,
        'AccessDeniedException',
        `User: arn:aws:sts::${ctx.account}:assumed-role/auditor/session is not authorized to perform: logs:DescribeLogGroups on resource: arn:aws:logs:${ctx.region}:${ctx.account}:log-group::log-stream: because no identity-based policy allows the logs:DescribeLogGroups action`,
      );
      return;
    }
    if (byName && input.logGroupNamePrefix !== undefined) {
      error(res, 'InvalidParameterException', 'logGroupIdentifiers and logGroupNamePrefix are mutually exclusive');
      return;
    }
    const names = byName ? input.logGroupIdentifiers : undefined;
    if (byName && (!Array.isArray(names) || names.length < 1 || names.length > PAGE_MAX)) {
      error(res, 'InvalidParameterException', 'logGroupIdentifiers must name 1 to 50 log groups');
      return;
    }
    const limit = input.limit === undefined ? PAGE_MAX : Number(input.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) {
      error(
        res,
        'InvalidParameterException',
        '1 validation error detected: Value at limit failed to satisfy constraint',
      );
      return;
    }
    const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
    const wanted = names === undefined ? undefined : new Set(names as unknown[]);
    const all = groupsOf(ctx.fleets.get(ctx.account)?.get(ctx.region)).filter((g) =>
      wanted === undefined ? g.logGroupName.startsWith(prefix) : wanted.has(g.logGroupName),
    );
    const after = typeof input.nextToken === 'string' ? Buffer.from(input.nextToken, 'base64url').toString() : '';
    const rest = all.filter((g) => g.logGroupName > after);
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    send(res, 200, {
      logGroups: page.map((g) => ({
        logGroupName: g.logGroupName,
        creationTime: 1_763_000_000_000,
        ...(g.retentionInDays === undefined ? {} : { retentionInDays: g.retentionInDays }),
        metricFilterCount: 0,
        arn: `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:${g.logGroupName}:*`,
        storedBytes: 0,
        ...(g.kmsKeyId === undefined ? {} : { kmsKeyId: g.kmsKeyId }),
        logGroupClass: 'STANDARD',
        logGroupArn: `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:${g.logGroupName}`,
      })),
      ...(rest.length > limit && last ? { nextToken: Buffer.from(last.logGroupName).toString('base64url') } : {}),
    });
  });
}

function error(res: ServerResponse, type: string, message: string): void {
  send(res, 400, { __type: type, message }, type);
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId(),
    ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
  });
  res.end(text);
}

let counter = 0;
function requestId(): string {
  counter = (counter + 1) % 0xffffffff;
  return `00000000-0000-4000-9000-${counter.toString(16).padStart(12, '0')}`;
}
