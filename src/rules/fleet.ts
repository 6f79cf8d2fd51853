/**
 * The fleet context of one evaluation: what a rule may know beyond its own record (the snapshot's
 * IAM, the other records, and for combining rules the other rules' findings). Built once per
 * evaluation; rules read it, never the crawler.
 */
import type { AccountIam, FunctionRecord, UnknownPart } from '../snapshot/types.js';
import type { Finding, FleetContext } from './types.js';

const NONE: ReadonlyMap<string, never> = new Map<string, never>();

export interface FleetParts {
  readonly iam?: readonly AccountIam[] | undefined;
  readonly findings?: ReadonlyMap<string, ReadonlyMap<string, Finding>>;
  readonly notJudged?: ReadonlyMap<string, ReadonlyMap<string, UnknownPart>>;
}

export function fleetOf(records: readonly FunctionRecord[], parts: FleetParts = {}): FleetContext {
  return {
    iam: parts.iam === undefined ? undefined : new Map(parts.iam.map((a) => [a.account, a])),
    records,
    findingsOf: (arn) => parts.findings?.get(arn) ?? NONE,
    notJudgedOf: (arn) => parts.notJudged?.get(arn) ?? NONE,
    cache: new Map(),
  };
}

/** A value computed once per evaluation under `key` (a role's analysis, the records of a role). */
export function cached<T>(fleet: FleetContext, key: string, compute: () => T): T {
  if (fleet.cache.has(key)) return fleet.cache.get(key) as T;
  const value = compute();
  fleet.cache.set(key, value);
  return value;
}
