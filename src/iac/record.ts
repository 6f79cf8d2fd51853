/**
 * From a planned function (values that may hold `PlanTime` markers) to a snapshot record. Unknown
 * values become `unknown` parts; everything else goes through the crawler's record builder, so
 * environment values are hashed at the same secrets boundary as a crawl.
 */
import type { FunctionConfiguration, GetFunctionResponse } from '@aws-sdk/client-lambda';
import { recordFromGetFunction } from '../crawl/records.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import type {
  CapacityProviderInfo,
  LogGroupInfo,
  CodeSigningInfo,
  EventInvokeInfo,
  EventSourceMappingInfo,
  FunctionRecord,
  FunctionUrlInfo,
  ResourcePolicy,
  SecurityGroupInfo,
  SourceLocation,
  UnknownPart,
} from '../snapshot/types.js';
import { PLAN_ACCOUNT, PlanTime } from './intrinsics.js';
import type { PlannedRole } from './roles.js';

export { PLAN_ACCOUNT };

/** Record-shaped planned values, keyed by record path roots. */
export interface Planned {
  configuration: Record<string, unknown>;
  tags: Record<string, unknown>;
  reservedConcurrency?: unknown;
  code?: Record<string, unknown>;
}

export interface PlannedFunction {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly source: 'template' | 'plan';
  readonly planned: Planned;
  readonly unknown: readonly UnknownPart[];
  readonly policy: ResourcePolicy | null;
  readonly functionUrl: FunctionUrlInfo | null;
  readonly eventInvokeConfig: EventInvokeInfo | null;
  /** The mappings of the template or plan that invoke it (src/iac/event-sources.ts); `[]`: none. */
  readonly eventSourceMappings?: readonly EventSourceMappingInfo[];
  readonly location: SourceLocation;
  /** The execution role, when the template or plan defines it (`configuration.Role` is its ARN). */
  readonly role?: PlannedRole;
  /** Lambda Managed Instances: the capacity provider the template defines for the function (values may be `PlanTime`). */
  readonly capacityProvider?: Record<string, unknown>;
  /**
   * The function's CloudWatch Logs log group when the template or plan defines it (values may be
   * `PlanTime`); absent: not defined there, and `unknown` says so.
   */
  readonly logGroup?: Record<string, unknown>;
  /**
   * Code signing: the config the template or plan defines for the function (values may be
   * `PlanTime`), `null` when it names none; absent when it names one defined elsewhere (an unknown
   * part `codeSigning` then says so).
   */
  readonly codeSigning?: Record<string, unknown> | null;
  /** The security groups the template or plan defines for the function, keyed as its record names them. */
  readonly securityGroups?: Readonly<Record<string, SecurityGroupInfo>>;
}

/** A mapping table row: a property path of the source format, the record path it fills. */
export interface MappingRow {
  readonly from: string;
  readonly to: string;
  /** Applied to a known value (markers inside lists or maps stay where they are). */
  readonly convert?: (value: unknown) => unknown;
}

/** Applies a mapping table to `properties` (already resolved), filling `planned`. */
export function applyTable(table: readonly MappingRow[], properties: unknown, planned: object): void {
  for (const row of table) {
    const value = getPath(properties, row.from);
    if (value === undefined || value === null) continue;
    setPath(planned, row.to, value instanceof PlanTime || !row.convert ? value : row.convert(value));
  }
}

const segmentsOf = new Map<string, readonly string[]>();

export function getPath(value: unknown, path: string): unknown {
  let segments = segmentsOf.get(path);
  if (!segments) segmentsOf.set(path, (segments = path.split('.')));
  let at = value;
  for (const segment of segments) {
    if (at instanceof PlanTime) return at;
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[segment];
  }
  return at;
}

export function setPath(target: object, path: string, value: unknown): void {
  let segments = segmentsOf.get(path);
  if (!segments) segmentsOf.set(path, (segments = path.split('.')));
  let at = target as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) {
    const next = at[segment];
    if (next === null || typeof next !== 'object') at[segment] = {};
    at = at[segment] as Record<string, unknown>;
  }
  at[segments[segments.length - 1] as string] = value;
}

/** The stand-in for the `index`th id of a list that only the deploy knows (`(!Ref Group #1)`). */
export function placeholderId(value: PlanTime, index: number): string {
  return `(${value.detail} #${index + 1})`;
}

/** Lists whose length is what the rules need, and is known when the items are not. */
const KNOWN_LENGTH = new Set([
  'configuration.VpcConfig.SubnetIds',
  'configuration.VpcConfig.SecurityGroupIds',
  'capacityProvider.VpcConfig.SubnetIds',
  'capacityProvider.VpcConfig.SecurityGroupIds',
]);

/**
 * Removes `PlanTime` markers, returning the cleaned value and the unknown parts. A list with an
 * unknown scalar is unknown as a whole (unknown parts never index into lists).
 */
export function extractUnknown(value: unknown, path: string, parts: UnknownPart[]): unknown {
  if (value instanceof PlanTime) {
    parts.push({ path, reason: 'plan-time', detail: value.detail });
    return undefined;
  }
  if (Array.isArray(value)) {
    const scalar = value.find((v): v is PlanTime => v instanceof PlanTime);
    if (scalar && KNOWN_LENGTH.has(path)) {
      // The ids are unknown, but not how many there are: a function with one subnet is in a VPC,
      // in one zone. Each unknown id gets a placeholder that no condition sees (the part covers them).
      parts.push({ path: `${path}[*]`, reason: 'plan-time', detail: scalar.detail });
      return (value as unknown[]).map((v, i) => (v instanceof PlanTime ? placeholderId(v, i) : v));
    }
    if (scalar) {
      parts.push({ path, reason: 'plan-time', detail: scalar.detail });
      return undefined;
    }
    return value.map((v) => extractUnknown(v, path, parts));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = extractUnknown(v, path === '' ? k : `${path}.${k}`, parts);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return out;
  }
  return value;
}

/** Scalars as the API returns them: numbers for numeric properties, strings for tag and env values. */
export const asNumber = (v: unknown): unknown => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
export const asBoolean = (v: unknown): unknown => (v === 'true' ? true : v === 'false' ? false : v);
export const asStringMap = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x instanceof PlanTime ? x : stringOf(x)]))
    : v;
export const asLayers = (v: unknown): unknown =>
  Array.isArray(v) ? v.map((arn) => (arn instanceof PlanTime ? arn : { Arn: stringOf(arn) })) : v;

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What Lambda fills in when a property is left out, so a planned record reads like a crawled one. */
export function applyDefaults(config: Record<string, unknown>, name: unknown): void {
  config.MemorySize ??= 128;
  config.Timeout ??= 3;
  config.PackageType ??= 'Zip';
  config.Architectures ??= ['x86_64'];
  config.EphemeralStorage ??= { Size: 512 };
  config.TracingConfig ??= { Mode: 'PassThrough' };
  const logging = (config.LoggingConfig ??= {}) as Record<string, unknown>;
  logging.LogFormat ??= 'Text';
  logging.LogGroup ??= name instanceof PlanTime ? name : `/aws/lambda/${String(name)}`;
}

export function buildRecord(fn: PlannedFunction, key: EnvHashKey): FunctionRecord {
  const parts: UnknownPart[] = [...fn.unknown];
  const configuration = (extractUnknown(fn.planned.configuration, 'configuration', parts) ?? {}) as Record<
    string,
    unknown
  >;
  const account = fn.account === PLAN_ACCOUNT ? accountOfRole(configuration.Role) : fn.account;
  // `AWS::AccountId` resolved to the placeholder: now that the account is known, it is that account.
  const own = (value: unknown): unknown =>
    account === undefined || account === fn.account ? value : withAccount(value, fn.account, account);
  // Rules that compare accounts (cross-account invoke, layers) cannot judge a function whose own
  // account is only known at deploy time: a placeholder would make every named partner "another account".
  if (account === undefined)
    parts.push({ path: 'account', reason: 'plan-time', detail: 'the account is chosen at deploy time' });
  const arn = `arn:aws:lambda:${fn.region}:${account ?? fn.account}:function:${fn.name}`;
  const tags = (extractUnknown(fn.planned.tags, 'tags', parts) ?? {}) as Record<string, string>;
  const reserved = extractUnknown(fn.planned.reservedConcurrency, 'reservedConcurrency', parts);
  const code = extractUnknown(fn.planned.code, 'code', parts) as Record<string, unknown> | undefined;
  const provider = extractUnknown(fn.capacityProvider, 'capacityProvider', parts) as CapacityProviderInfo | undefined;
  const logGroup = extractUnknown(fn.logGroup, 'logGroup', parts) as LogGroupInfo | undefined;
  const signing =
    fn.codeSigning === null
      ? null
      : (extractUnknown(fn.codeSigning, 'codeSigning', parts) as CodeSigningInfo | undefined);
  const config: FunctionConfiguration = {
    ...(own(configuration) as FunctionConfiguration),
    FunctionName: fn.name,
    FunctionArn: arn,
    Version: '$LATEST',
  };
  const response: GetFunctionResponse = {
    Configuration: config,
    Tags: tags,
    ...(typeof reserved === 'number' ? { Concurrency: { ReservedConcurrentExecutions: reserved } } : {}),
    ...(code && Object.keys(code).length > 0 ? { Code: code } : {}),
  };
  const record = recordFromGetFunction(response, config, { region: fn.region, key }, 'input');
  const unknown = dedupe(parts);
  return {
    ...record,
    account: account ?? fn.account,
    source: fn.source,
    policy: own(fn.policy) as typeof fn.policy,
    functionUrl: fn.functionUrl,
    eventInvokeConfig: own(fn.eventInvokeConfig) as typeof fn.eventInvokeConfig,
    eventSourceMappings: own(fn.eventSourceMappings ?? []) as EventSourceMappingInfo[],
    ...(provider === undefined ? {} : { capacityProvider: own(provider) as CapacityProviderInfo }),
    ...(logGroup === undefined ? {} : { logGroup: own(logGroup) as LogGroupInfo }),
    ...(signing === undefined ? {} : { codeSigning: own(signing) as CodeSigningInfo | null }),
    ...(fn.securityGroups === undefined ? {} : { securityGroups: fn.securityGroups }),
    ...(unknown.length > 0 ? { unknown } : {}),
    location: fn.location,
  };
}

/**
 * The execution role lives in the function's own account, so a literal role ARN names the account
 * a template or plan deploys to.
 */
function accountOfRole(role: unknown): string | undefined {
  const account = typeof role === 'string' ? /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(role)?.[1] : undefined;
  // A role of the template gets an ARN in the placeholder account: that names no account.
  return account === PLAN_ACCOUNT ? undefined : account;
}

function withAccount(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => withAccount(v, from, to));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withAccount(v, from, to)]));
  return value;
}

function dedupe(parts: readonly UnknownPart[]): UnknownPart[] {
  const seen = new Map<string, UnknownPart>();
  for (const p of parts) if (!seen.has(p.path)) seen.set(p.path, p);
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A function whose log group the template or plan does not define: Lambda creates one at the first
 * log line (kept forever, no key) unless it is created elsewhere first (another stack, a Terraform
 * module, by hand). Which of the two is not known before deploy: the log rules are not judged.
 */
export const LOG_GROUP_NOT_DEFINED: UnknownPart = {
  path: 'logGroup',
  reason: 'plan-time',
  detail: 'the log group is not defined here (Lambda creates it at the first log line unless it exists)',
};

/** A log group's KMS key known only at deploy (`!GetAtt Key.Arn`) is still a key: a placeholder keeps it set. */
export function keyPlaceholder(value: unknown): unknown {
  return value instanceof PlanTime ? `(${value.detail})` : value;
}
