/**
 * Turning API answers into snapshot records. Pure: the crawler and `--input` both use these, and
 * both go through the secrets boundary (`redactConfiguration`, `redactCode`) here.
 */
import type { AliasConfiguration, FunctionConfiguration, GetFunctionResponse } from '@aws-sdk/client-lambda';
import { redactCode, redactConfiguration, type EnvHashKey } from '../snapshot/redact.js';
import type { AliasInfo, ErrorInfo, FunctionRecord, RecordStatus, UnknownPart } from '../snapshot/types.js';
import { parseLambdaArn } from './arn.js';
import type { ExposureParts } from './exposure.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface RecordContext {
  readonly region: string;
  readonly key: EnvHashKey;
}

function base(
  config: FunctionConfiguration,
  ctx: RecordContext,
  status: RecordStatus,
  source: FunctionRecord['source'],
): Mutable<FunctionRecord> {
  const arn = config.FunctionArn ?? '';
  const parsed = parseLambdaArn(arn);
  const { configuration, environmentFacts } = redactConfiguration(config, ctx.key);
  const qualifier = config.Version ?? parsed?.qualifier ?? '$LATEST';
  const record: Mutable<FunctionRecord> = {
    arn: qualifier === '$LATEST' || parsed?.qualifier !== undefined || arn === '' ? arn : `${arn}:${qualifier}`,
    account: parsed?.account ?? 'unknown',
    region: parsed?.region ?? ctx.region,
    name: config.FunctionName ?? parsed?.name ?? 'unknown',
    qualifier,
    status,
    source,
    configuration,
  };
  if (environmentFacts) record.environmentFacts = environmentFacts;
  return record;
}

export function recordFromGetFunction(
  out: GetFunctionResponse,
  listed: FunctionConfiguration,
  ctx: RecordContext,
  source: 'GetFunction' | 'input' = 'GetFunction',
): FunctionRecord {
  const record = base(out.Configuration ?? listed, ctx, 'ok', source);
  // GetFunction leaves Tags out when the function has none; TagsError is what says they could not
  // be read (the caller lacks lambda:ListTags).
  if (out.TagsError) {
    record.tagsError = { ...out.TagsError };
    record.unknown = [...(record.unknown ?? []), tagsUnknown('denied', out.TagsError.ErrorCode)];
  } else {
    record.tags = sortKeys(out.Tags ?? {});
  }
  const reserved = out.Concurrency?.ReservedConcurrentExecutions;
  if (reserved !== undefined) record.reservedConcurrency = reserved;
  const code = redactCode(out.Code as Record<string, unknown> | undefined);
  if (code) record.code = code;
  return record;
}

/** A listed function whose GetFunction did not succeed: the listed configuration, and why. */
export function recordFromListing(
  listed: FunctionConfiguration,
  ctx: RecordContext,
  status: Exclude<RecordStatus, 'ok'>,
  error?: ErrorInfo,
): FunctionRecord {
  const record = base(listed, ctx, status, 'ListFunctions');
  if (error) record.error = error;
  // Tags come with GetFunction, which did not succeed: not "no tags".
  if (status !== 'vanished') record.unknown = [...(record.unknown ?? []), tagsUnknown(status, error?.code)];
  return record;
}

/** What GetFunction alone returns; unknown when it was denied or failed (ListFunctions does not carry them). */
const GET_FUNCTION_ONLY = ['code', 'reservedConcurrency', 'tags'] as const;

/**
 * Adds the exposure parts to a `$LATEST` record, and says what is unknown: the exposure parts not
 * read, and what only GetFunction returns when GetFunction did not succeed. A vanished function
 * keeps neither: it is gone.
 */
export function withExposure(record: FunctionRecord, parts: ExposureParts): FunctionRecord {
  if (record.status === 'vanished') return record;
  const unknown: UnknownPart[] = [...(record.unknown ?? [])];
  if (record.status === 'denied' || record.status === 'failed') {
    const detail = record.error?.code;
    for (const path of GET_FUNCTION_ONLY)
      unknown.push({ path, reason: record.status, ...(detail === undefined ? {} : { detail }) });
  }
  unknown.push(...parts.unknown);
  const out: Mutable<FunctionRecord> = { ...record };
  if (parts.policy !== undefined) out.policy = parts.policy;
  if (parts.functionUrl !== undefined) out.functionUrl = parts.functionUrl;
  if (parts.eventInvokeConfig !== undefined) out.eventInvokeConfig = parts.eventInvokeConfig;
  if (unknown.length > 0) out.unknown = unknown.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** A published version from ListVersionsByFunction; function-level data (tags, concurrency) comes from `latest`. */
export function recordFromVersion(
  version: FunctionConfiguration,
  latest: FunctionRecord,
  ctx: RecordContext,
): FunctionRecord {
  const record = base(version, ctx, 'ok', 'ListVersionsByFunction');
  if (latest.tags) record.tags = latest.tags;
  if (latest.tagsError) record.tagsError = latest.tagsError;
  const tagsPart = latest.unknown?.find((p) => p.path === 'tags');
  if (tagsPart) record.unknown = [...(record.unknown ?? []), tagsPart];
  return record;
}

export function withAliases(record: FunctionRecord, aliases: readonly AliasConfiguration[]): FunctionRecord {
  const serving: AliasInfo[] = [];
  for (const alias of aliases) {
    const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
    const routesHere = alias.FunctionVersion === record.qualifier || record.qualifier in weights;
    if (!routesHere || alias.Name === undefined) continue;
    serving.push({
      name: alias.Name,
      functionVersion: alias.FunctionVersion ?? '',
      ...(Object.keys(weights).length > 0 ? { additionalVersionWeights: sortKeys(weights) } : {}),
    });
  }
  if (serving.length === 0) return record;
  return { ...record, aliases: serving.sort((a, b) => a.name.localeCompare(b.name)) };
}

function tagsUnknown(reason: UnknownPart['reason'], code: string | undefined): UnknownPart {
  return { path: 'tags', reason, ...(code === undefined ? {} : { detail: code }) };
}

function sortKeys<V>(o: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
