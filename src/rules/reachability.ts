/**
 * How far a function reaches, as the exposure rules found it: anyone, another account, or nobody
 * outside the account. For combining checks that group functions (role-shared,
 * capacity-provider-mixed-trust): they read the other rules' findings, so a user's config and
 * allow lists count.
 */
import type { FunctionRecord, UnknownPart } from '../snapshot/types.js';
import type { FleetContext } from './types.js';

export type Reachability = 'anyone' | 'other-account' | 'private';

/** Rule id -> whom its finding makes the function reachable by. */
export type ReachableRules = Readonly<Record<string, 'anyone' | 'other-account'>>;

export const DEFAULT_REACHABLE: ReachableRules = {
  'function-public-access': 'anyone',
  'function-url-public': 'anyone',
  'function-cross-account-invoke': 'other-account',
};

/** The options schema of a `reachable` map. */
export const REACHABLE_SCHEMA = { type: 'object', additionalProperties: { enum: ['anyone', 'other-account'] } };

export const reachabilityText: Record<Reachability, string> = {
  anyone: 'reachable by anyone',
  'other-account': 'reachable from another account',
  private: 'not reachable from outside',
};

/**
 * The function's reachability; when no rule found it reachable but one could not judge it, the
 * part that kept it from judging (a private verdict would be a guess).
 */
export function reachabilityOf(
  record: FunctionRecord,
  fleet: FleetContext,
  reachable: ReachableRules,
): Reachability | UnknownPart {
  const found = fleet.findingsOf(record.arn);
  let reach: Reachability = 'private';
  for (const [ruleId, by] of Object.entries(reachable))
    if (found.has(ruleId) && (reach === 'private' || by === 'anyone')) reach = by;
  if (reach !== 'private') return reach;
  const unjudged = fleet.notJudgedOf(record.arn);
  for (const ruleId of Object.keys(reachable)) {
    const part = unjudged.get(ruleId);
    if (part) return part;
  }
  return 'private';
}
