/**
 * Offline input (`--input FILE...`): a lambda-audit snapshot, or what the AWS CLI prints for
 * `aws lambda get-function`, `get-function-configuration` or `list-functions`. A pipeline can gate
 * a planned configuration before deploying, with no AWS access. AWS CLI output goes through the
 * same secrets boundary as a crawl.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FunctionConfiguration, GetFunctionResponse } from '@aws-sdk/client-lambda';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { recordFromGetFunction } from '../crawl/records.js';
import { AuditError } from '../errors.js';
import { parseJsonFile } from '../json.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import { SNAPSHOT_SCHEMA_VERSION, type AccountIam, type FunctionRecord, type Snapshot } from '../snapshot/types.js';
import { fileRegionStats } from '../snapshot/build.js';

let validator: ReturnType<Ajv2020['compile']> | undefined;
/** The shipped snapshot schema (schemas/, two levels up from src/input and dist/input), compiled once. */
function validateSnapshot(value: unknown): string | undefined {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    validator = ajv.compile(
      JSON.parse(readFileSync(new URL('../../schemas/snapshot.schema.json', import.meta.url), 'utf8')) as object,
    );
  }
  if (validator(value)) return undefined;
  const e = validator.errors?.[0];
  return `${e?.instancePath || '(top level)'} ${e?.message ?? ''}`;
}

export interface InputOptions {
  readonly key: () => Promise<EnvHashKey>;
  /** Region for AWS CLI output without an ARN. */
  readonly defaultRegion: string;
  readonly toolVersion: string;
  readonly now: Date;
  /**
   * Refuse AWS CLI output without a FunctionArn instead of assuming account 000000000000: a
   * baseline filed under a made-up account would never be compared with anything. @default false
   */
  readonly requireArn?: boolean;
  /** Where warnings go (a record given a made-up account). @default nowhere */
  readonly warn?: (line: string) => void;
}

export async function loadInputs(files: readonly string[], options: InputOptions): Promise<Snapshot> {
  const records: FunctionRecord[] = [];
  const snapshots: Snapshot[] = [];
  let key: EnvHashKey | undefined;
  for (const file of files) {
    const value = await readJson(file);
    if (isObject(value) && 'schemaVersion' in value && 'functions' in value) {
      if (value.schemaVersion !== SNAPSHOT_SCHEMA_VERSION)
        throw new AuditError(
          'E_INPUT',
          `${file}: snapshot schemaVersion ${JSON.stringify(value.schemaVersion)} is not supported (expected ${SNAPSHOT_SCHEMA_VERSION})`,
        );
      const problem = validateSnapshot(value);
      if (problem !== undefined)
        throw new AuditError('E_INPUT', `${file}: not a valid lambda-audit snapshot: ${problem}`);
      snapshots.push(value as unknown as Snapshot);
      continue;
    }
    const responses = awsCliResponses(value, file);
    key ??= await options.key();
    for (const { response, hasTags } of responses) {
      const config = response.Configuration ?? {};
      const region = /^arn:[^:]+:lambda:([^:]+):/.exec(config.FunctionArn ?? '')?.[1] ?? options.defaultRegion;
      if (!config.FunctionArn) {
        const name = config.FunctionName ?? 'unnamed';
        if (options.requireArn)
          throw new AuditError(
            'E_INPUT',
            `${file}: function ${name} has no FunctionArn, so its account is unknown and no baseline can be filed for it; give the JSON of "aws lambda get-function" or "get-function-configuration", which has FunctionArn`,
          );
        options.warn?.(
          `lambda-audit: warning: ${file}: function ${name} has no FunctionArn; assuming account 000000000000 and region ${region}`,
        );
      }
      const named: FunctionConfiguration = config.FunctionArn
        ? config
        : {
            ...config,
            FunctionArn: `arn:aws:lambda:${region}:000000000000:function:${config.FunctionName ?? 'unnamed'}`,
          };
      const record = recordFromGetFunction({ ...response, Configuration: named }, named, { region, key }, 'input');
      records.push(hasTags ? record : withoutTags(record));
    }
  }
  const keyIds = new Set([...snapshots.map((s) => s.envHashKeyId), ...(key ? [key.id] : [])]);
  if (keyIds.size > 1)
    throw new AuditError(
      'E_INPUT',
      `the inputs hash environment values under different keys (${[...keyIds].join(', ')}); use snapshots taken with the same LAMBDA_AUDIT_ENV_HASH_KEY`,
    );
  // The same function in several inputs: the later file wins, so a planned configuration can be
  // laid over a snapshot of what is deployed.
  const byArn = new Map([...snapshots.flatMap((s) => s.functions), ...records].map((f) => [f.arn, f]));
  const functions = [...byArn.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const regions = [...snapshots.flatMap((s) => s.regions), ...fileRegionStats(records)];
  // Shards of one run each name the same skipped accounts: once each.
  const skippedAccounts = [
    ...new Map(snapshots.flatMap((s) => s.skippedAccounts ?? []).map((a) => [a.account, a])).values(),
  ].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  const iam = mergedIam(snapshots);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'lambda-audit', version: options.toolVersion },
    generatedAt:
      snapshots.length === 1 && records.length === 0
        ? (snapshots[0]?.generatedAt ?? options.now.toISOString())
        : options.now.toISOString(),
    envHashKeyId: [...keyIds][0] ?? 'unknown00000',
    regions,
    functions,
    ...(skippedAccounts.length === 0 ? {} : { skippedAccounts }),
    ...(iam === undefined ? {} : { iam }),
  };
}

/**
 * The inputs' execution roles, one entry per account, sorted: shards of one run that both crawled an
 * account read the same roles, so one is kept, a complete read over one that was refused or failed
 * (then skipped over either). Absent when no input has any.
 */
function mergedIam(snapshots: readonly Snapshot[]): AccountIam[] | undefined {
  if (!snapshots.some((s) => s.iam !== undefined)) return undefined;
  const rank = (i: AccountIam): number => (i.unknown === undefined ? 0 : i.unknown.reason === 'skipped' ? 2 : 1);
  const byAccount = new Map<string, AccountIam>();
  for (const entry of snapshots.flatMap((s) => s.iam ?? [])) {
    const kept = byAccount.get(entry.account);
    if (kept === undefined || rank(entry) < rank(kept)) byAccount.set(entry.account, entry);
  }
  return [...byAccount.values()].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/**
 * The responses in an AWS CLI output, and whether they carry tags: get-function's does (`Tags` left
 * out means none), list-functions and get-function-configuration carry none at all.
 */
function awsCliResponses(value: unknown, file: string): { response: GetFunctionResponse; hasTags: boolean }[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((item: unknown): { response: GetFunctionResponse; hasTags: boolean }[] => {
    if (isObject(item) && isObject(item.Configuration)) return [{ response: item, hasTags: true }];
    if (isObject(item) && Array.isArray(item.Functions))
      return (item.Functions as FunctionConfiguration[]).map((c) => ({
        response: { Configuration: c },
        hasTags: false,
      }));
    if (isObject(item) && (typeof item.FunctionName === 'string' || typeof item.FunctionArn === 'string'))
      return [{ response: { Configuration: item }, hasTags: false }];
    throw new AuditError(
      'E_INPUT',
      `${file}: expected a lambda-audit snapshot or the JSON of "aws lambda get-function", "get-function-configuration" or "list-functions"; found none of their keys (Configuration, FunctionName, Functions, schemaVersion)`,
    );
  });
}

/** A record from input without tags: its tags are unknown, not empty, so tag rules do not judge it. */
function withoutTags(record: FunctionRecord): FunctionRecord {
  const rest: { -readonly [K in keyof FunctionRecord]: FunctionRecord[K] } = { ...record };
  delete rest.tags;
  return {
    ...rest,
    unknown: [
      ...(rest.unknown ?? []),
      { path: 'tags', reason: 'not-in-input', detail: 'list-functions and get-function-configuration carry no tags' },
    ],
  };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AuditError('E_INPUT', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  }
  return parseJsonFile(file, text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
