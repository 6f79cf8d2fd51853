/**
 * Baselines: what was approved, per account and region, in `baselines/<account>/<region>.json`.
 * Deterministic bytes (sorted keys, stable order, one trailing newline) so a baseline reviews
 * cleanly in a pull request; environment values only as the snapshot's keyed hashes; no URL.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditError } from '../errors.js';
import { lineColumn, locateJsonError } from '../json.js';
import { resolveRole, summariseRole, type RoleSummary } from '../iam/resolve.js';
import type {
  AccountIam,
  CapacityProviderInfo,
  CodeSigningInfo,
  EventInvokeInfo,
  EventSourceMappingInfo,
  FunctionRecord,
  FunctionUrlInfo,
  ResourcePolicy,
  Snapshot,
} from '../snapshot/types.js';
import { validatorFor } from '../policy/schemas.js';
import baselineSchema from './baseline.schema.js';

export const BASELINE_SCHEMA_VERSION = 1;
// Defined in src/defaults.ts (the CLI's help names it without loading this module).
export { DEFAULT_BASELINE_DIR } from '../defaults.js';

/** What a baseline keeps of a function: everything drift compares. */
export interface BaselineFunction {
  readonly configuration: Record<string, unknown>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  readonly code?: Readonly<Record<string, string>>;
  /** Who can invoke it: kept only when read (`null` = read, none); absent = not read, not compared. */
  readonly policy?: ResourcePolicy | null;
  readonly functionUrl?: FunctionUrlInfo | null;
  readonly eventInvokeConfig?: EventInvokeInfo | null;
  /** The event source mappings that invoke it (`[]`: read, none); absent = not read, not compared. */
  readonly eventSourceMappings?: readonly EventSourceMappingInfo[];
  /**
   * What the execution role can do (src/iam/resolve.ts `summariseRole`): its permissions digest
   * and the facts the role rules judge. Kept only when the role was read; absent = not compared.
   */
  readonly executionRole?: RoleSummary;
  /** Lambda Managed Instances: the provider the function runs on, as read; absent = none or not read. */
  readonly capacityProvider?: CapacityProviderInfo;
  /** Its code signing config (`null` = read, none); absent = not read, not compared. */
  readonly codeSigning?: CodeSigningInfo | null;
}

export interface Baseline {
  readonly schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  readonly kind: 'lambda-audit-baseline';
  readonly account: string;
  readonly region: string;
  readonly envHashKeyId: string;
  /** Keyed by function name, or `name:version` for a published version. */
  readonly functions: Readonly<Record<string, BaselineFunction>>;
}

export function functionKey(record: Pick<FunctionRecord, 'name' | 'qualifier'>): string {
  return record.qualifier === '$LATEST' ? record.name : `${record.name}:${record.qualifier}`;
}

export function baselinePath(dir: string, account: string, region: string): string {
  return join(dir, account, `${region}.json`);
}

export function toBaselineFunction(record: FunctionRecord, role?: RoleSummary): BaselineFunction {
  return {
    configuration: record.configuration as Record<string, unknown>,
    ...(record.tags ? { tags: record.tags } : {}),
    ...(record.reservedConcurrency === undefined ? {} : { reservedConcurrency: record.reservedConcurrency }),
    ...(record.code ? { code: record.code as Record<string, string> } : {}),
    ...(record.policy === undefined ? {} : { policy: record.policy }),
    ...(record.functionUrl === undefined ? {} : { functionUrl: record.functionUrl }),
    ...(record.eventInvokeConfig === undefined ? {} : { eventInvokeConfig: record.eventInvokeConfig }),
    ...(record.eventSourceMappings === undefined ? {} : { eventSourceMappings: record.eventSourceMappings }),
    ...(role === undefined ? {} : { executionRole: role }),
    ...(record.capacityProvider === undefined ? {} : { capacityProvider: record.capacityProvider }),
    ...(record.codeSigning === undefined ? {} : { codeSigning: record.codeSigning }),
  };
}

/**
 * The summary of each record's execution role from the snapshot's IAM, computed once per role;
 * undefined where the role is not known (not read, another account, outside the template).
 */
export function roleSummaries(
  iam: readonly AccountIam[] | undefined,
): (record: FunctionRecord) => RoleSummary | undefined {
  const byAccount = iam === undefined ? undefined : new Map(iam.map((a) => [a.account, a]));
  const memo = new Map<string, RoleSummary | undefined>();
  return (record) => {
    const arn = record.configuration.Role;
    if (byAccount === undefined || arn === undefined) return undefined;
    const key = `${record.account}\u0000${record.source}\u0000${arn}`;
    if (!memo.has(key)) {
      const known = resolveRole(record, arn, byAccount);
      memo.set(key, 'unknown' in known ? undefined : summariseRole(known.facts));
    }
    return memo.get(key);
  };
}

/** One baseline per account-region of the snapshot, from the functions that were fetched. */
export function baselinesFrom(snapshot: Snapshot): Baseline[] {
  const roleOf = roleSummaries(snapshot.iam);
  return snapshot.regions.map((region) => ({
    schemaVersion: BASELINE_SCHEMA_VERSION,
    kind: 'lambda-audit-baseline',
    account: region.account,
    region: region.region,
    envHashKeyId: snapshot.envHashKeyId,
    functions: Object.fromEntries(
      snapshot.functions
        .filter((f) => f.account === region.account && f.region === region.region && f.status === 'ok')
        .map((f) => [functionKey(f), toBaselineFunction(f, roleOf(f))]),
    ),
  }));
}

/** Canonical JSON: keys sorted at every level, 2-space indent, one trailing newline. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortDeep(v);
  }
  return out;
}

export type BaselineProblem =
  | { kind: 'missing' }
  /** `at`: line:column of a JSON syntax error. */
  | { kind: 'corrupt'; reason: string; at?: string }
  | { kind: 'unknown-version'; version: unknown };

/** Reads and validates a baseline; says exactly what is wrong with a bad one. */
export async function readBaseline(
  file: string,
): Promise<{ ok: true; baseline: Baseline } | { ok: false; problem: BaselineProblem }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, problem: { kind: 'missing' } };
    return {
      ok: false,
      problem: { kind: 'corrupt', reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the file; say where and what was expected instead.
    const { offset, expected } = locateJsonError(text);
    const { line, column } = lineColumn(text, offset);
    return {
      ok: false,
      problem: { kind: 'corrupt', reason: `not valid JSON: expected ${expected}`, at: `${line}:${column}` },
    };
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== BASELINE_SCHEMA_VERSION) return { ok: false, problem: { kind: 'unknown-version', version } };
  const validate = validatorFor(baselineSchema);
  if (!validate(value)) {
    const e = validate.errors?.[0];
    return {
      ok: false,
      problem: { kind: 'corrupt', reason: `${e?.instancePath || '(top level)'} ${e?.message ?? 'is invalid'}` },
    };
  }
  return { ok: true, baseline: value as Baseline };
}

export function describeProblem(file: string, problem: BaselineProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `${file} does not exist`;
    case 'corrupt':
      return problem.at === undefined
        ? `${file} is not a valid baseline: ${problem.reason}`
        : `${file}:${problem.at}: not a valid baseline: ${problem.reason}`;
    case 'unknown-version':
      return `${file} has schemaVersion ${JSON.stringify(problem.version)}; this lambda-audit reads version ${BASELINE_SCHEMA_VERSION}`;
  }
}

export function baselineError(file: string, problem: BaselineProblem): AuditError {
  return new AuditError(
    'E_BASELINE',
    `${describeProblem(file, problem)}. Fix or delete it, or take a new one with "lambda-audit baseline --force"`,
  );
}
