/**
 * Field-level drift between a baseline and the live snapshot, with json-diff-ts. Before diffing,
 * each function is put in a normal form: sets (subnets, security groups, architectures) become
 * keyed maps so their order does not matter, and lists of objects are keyed by identity (layers
 * by their ARN without the version, so a version bump is a change, not a remove and an add).
 * Environment variables are compared by key and hash only: a change names the key, never a value.
 * Resource-policy statements are keyed by Sid, event source mappings by UUID.
 */
import { diff, Operation, type IChange } from 'json-diff-ts';
import { globToRegExp } from '../rules/condition.js';
import type { FunctionRecord } from '../snapshot/types.js';
import type { RoleSummary } from '../iam/resolve.js';
import { functionKey, toBaselineFunction, type Baseline, type BaselineFunction } from './baseline.js';

export interface FieldChange {
  /** `configuration.Runtime`, `configuration.VpcConfig.SubnetIds[subnet-1]`, `tags.team` */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Absent for environment variables: their values are never shown. */
  readonly old?: unknown;
  readonly new?: unknown;
}

export interface FunctionDrift {
  readonly key: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly changes: readonly FieldChange[];
}

export interface DriftOptions {
  /** Paths (globs) whose changes are ignored; a path also covers everything below it. */
  readonly ignore: readonly string[];
  /** False when baseline and snapshot hashed environment values under different keys. */
  readonly compareEnvironmentValues: boolean;
  /** False when the region's listing failed: a function not seen may still exist, so nothing is "removed". */
  readonly listingComplete?: boolean;
  /** What each record's execution role can do, where known (baseline.ts `roleSummaries`). */
  readonly roleOf?: (record: FunctionRecord) => RoleSummary | undefined;
}

const ENV_PREFIX = 'configuration.Environment.Variables';

export function driftRegion(
  baseline: Baseline,
  records: readonly FunctionRecord[],
  options: DriftOptions,
): FunctionDrift[] {
  const ignored = options.ignore.map((g) => globToRegExp(g));
  const isIgnored = (path: string): boolean =>
    ignored.some((re) => re.test(path) || pathPrefixes(path).some((p) => re.test(p)));
  const out: FunctionDrift[] = [];
  const present = new Set<string>();
  for (const record of records) {
    if (record.account !== baseline.account || record.region !== baseline.region) continue;
    const key = functionKey(record);
    if (record.status === 'vanished') continue;
    present.add(key);
    // Not fetched (denied, failed): what we hold is partial, so it is neither compared nor "removed".
    if (record.status !== 'ok') continue;
    const old = baseline.functions[key];
    const base = {
      key,
      arn: record.arn,
      account: record.account,
      region: record.region,
      functionName: record.name,
      qualifier: record.qualifier,
    };
    if (!old) {
      out.push({ ...base, kind: 'added', changes: [] });
      continue;
    }
    const changes = diffFunction(
      old,
      toBaselineFunction(record, options.roleOf?.(record)),
      options.compareEnvironmentValues,
    ).filter((c) => !isIgnored(c.path));
    if (changes.length > 0) out.push({ ...base, kind: 'changed', changes });
  }
  for (const [key, old] of Object.entries(baseline.functions)) {
    if (present.has(key) || options.listingComplete === false) continue;
    const [name = key, qualifier = '$LATEST'] = key.split(':');
    const arn =
      typeof old.configuration.FunctionArn === 'string'
        ? old.configuration.FunctionArn
        : `arn:aws:lambda:${baseline.region}:${baseline.account}:function:${name}`;
    out.push({
      key,
      arn,
      account: baseline.account,
      region: baseline.region,
      functionName: name,
      qualifier,
      kind: 'removed',
      changes: [],
    });
  }
  return out.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

export function diffFunction(
  old: BaselineFunction,
  now: BaselineFunction,
  compareEnvironmentValues = true,
): FieldChange[] {
  if (deepEqual(old, now)) return [];
  const changes: FieldChange[] = [];
  const oldView = normalForm(old, now);
  const newView = normalForm(now, old);
  flatten(diff(oldView, newView, { treatTypeChangeAsReplace: false }), [], changes);
  changes.push(...environmentChanges(old, now, compareEnvironmentValues));
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function normalForm(f: BaselineFunction, other: BaselineFunction): Record<string, unknown> {
  // Environment is compared separately (by key and hash, never showing a value).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out of the view on purpose
  const { Environment, VpcConfig, Layers, FileSystemConfigs, Architectures, ...configuration } =
    f.configuration as Record<string, unknown> & {
      VpcConfig?: { SubnetIds?: string[]; SecurityGroupIds?: string[] } & Record<string, unknown>;
      Layers?: { Arn?: string }[];
      FileSystemConfigs?: { Arn?: string }[];
      Architectures?: string[];
    };
  const view: Record<string, unknown> = { ...configuration };
  if (VpcConfig)
    view.VpcConfig = {
      ...VpcConfig,
      SubnetIds: asSet(VpcConfig.SubnetIds),
      SecurityGroupIds: asSet(VpcConfig.SecurityGroupIds),
    };
  if (Layers) view.Layers = keyed(Layers, (l) => (l.Arn ?? '').replace(/:\d+$/, ''));
  if (FileSystemConfigs) view.FileSystemConfigs = keyed(FileSystemConfigs, (c) => c.Arn ?? '');
  if (Architectures) view.Architectures = asSet(Architectures);
  return {
    configuration: view,
    tags: f.tags ?? {},
    reservedConcurrency: f.reservedConcurrency ?? null,
    code: f.code ?? {},
    ...exposureView(f, other),
  };
}

/**
 * Policy statements keyed by Sid (a statement added or removed is one change, a changed condition
 * a change inside it); the URL and invoke config as they are. A part is compared only when both
 * sides read it: a part not read (a flag, a denial, a read proved unnecessary) is not a change.
 */
function exposureView(f: BaselineFunction, other?: BaselineFunction): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  const both = <K extends 'policy' | 'functionUrl' | 'eventInvokeConfig'>(key: K): boolean =>
    f[key] !== undefined && (other === undefined || other[key] !== undefined);
  if (both('policy') && f.policy !== undefined)
    view.policy =
      f.policy === null
        ? null
        : { Statement: keyed(f.policy.Statement, (s) => s.Sid ?? `#${f.policy?.Statement.indexOf(s) ?? 0}`) };
  if (both('functionUrl')) view.functionUrl = f.functionUrl;
  if (both('eventInvokeConfig')) view.eventInvokeConfig = f.eventInvokeConfig;
  // Event source mappings keyed by UUID: the listing's order is not a change, a mapping added or
  // removed is one change, a destination or batch size changed is a change inside it.
  if (f.eventSourceMappings !== undefined && (other === undefined || other.eventSourceMappings !== undefined))
    view.eventSourceMappings = keyed(f.eventSourceMappings, (m) => m.UUID);
  // What the role can do: facts as a set (a method gained is one change), the digest as a value.
  if (f.executionRole !== undefined && (other === undefined || other.executionRole !== undefined))
    view.executionRole = { permissions: f.executionRole.permissions, facts: asSet(f.executionRole.facts) };
  // The capacity provider (its network, key, operator role): lists as sets, compared when both
  // sides hold one (a function moved to or off a provider is a CapacityProviderConfig change).
  const provider = f.capacityProvider;
  if (provider !== undefined && (other === undefined || other.capacityProvider !== undefined)) {
    const { VpcConfig, InstanceRequirements, ...rest } = provider;
    view.capacityProvider = {
      ...rest,
      ...(VpcConfig === undefined
        ? {}
        : {
            VpcConfig: { SubnetIds: asSet(VpcConfig.SubnetIds), SecurityGroupIds: asSet(VpcConfig.SecurityGroupIds) },
          }),
      ...(InstanceRequirements === undefined
        ? {}
        : {
            InstanceRequirements: {
              Architectures: asSet(InstanceRequirements.Architectures),
              AllowedInstanceTypes: asSet(InstanceRequirements.AllowedInstanceTypes),
              ExcludedInstanceTypes: asSet(InstanceRequirements.ExcludedInstanceTypes),
            },
          }),
    };
  }
  // Code signing: compared when both sides read it (null = none); publishers as a set.
  const signing = f.codeSigning;
  if (signing !== undefined && (other === undefined || other.codeSigning !== undefined))
    view.codeSigning =
      signing === null
        ? null
        : {
            ...signing,
            AllowedPublishers: {
              SigningProfileVersionArns: asSet(signing.AllowedPublishers.SigningProfileVersionArns),
            },
          };
  return view;
}

function environmentChanges(old: BaselineFunction, now: BaselineFunction, compareValues: boolean): FieldChange[] {
  const a = (old.configuration.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
  const b = (now.configuration.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
  const out: FieldChange[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const path = `${ENV_PREFIX}${segment(key)}`;
    if (!(key in a)) out.push({ path, kind: 'added' });
    else if (!(key in b)) out.push({ path, kind: 'removed' });
    else if (compareValues && a[key] !== b[key]) out.push({ path, kind: 'changed' });
  }
  return out;
}

function flatten(changes: readonly IChange[], prefix: readonly string[], out: FieldChange[]): void {
  for (const change of changes) {
    const path = [...prefix, change.key];
    if (change.changes && change.changes.length > 0) {
      flatten(change.changes, path, out);
      continue;
    }
    const text = path.reduce((acc, s, i) => (i === 0 ? s : `${acc}${segment(s)}`), '');
    const kind = change.type === Operation.ADD ? 'added' : change.type === Operation.REMOVE ? 'removed' : 'changed';
    out.push({
      path: text,
      kind,
      ...(kind === 'added'
        ? {}
        : { old: setValue(change.type === Operation.REMOVE ? change.value : change.oldValue, change.key) }),
      ...(kind === 'removed' ? {} : { new: setValue(change.value, change.key) }),
    });
  }
}

/** A set member is stored as `true`; show the member itself. */
function setValue(value: unknown, key: string): unknown {
  return value === true ? key : value;
}

function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${key}]`;
}

function asSet(values: readonly string[] | undefined): Record<string, true> {
  return Object.fromEntries((values ?? []).map((v) => [v, true] as const));
}

function keyed<T>(items: readonly T[], key: (item: T) => string): Record<string, T> {
  return Object.fromEntries(items.map((item) => [key(item), item]));
}

/** `a.b[c].d` -> [`a`, `a.b`, `a.b[c]`]: a rule or ignore entry on a path covers what is below it. */
export function pathPrefixes(path: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) if (path[i] === '.' || path[i] === '[') out.push(path.slice(0, i));
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka)
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}
