/**
 * How much of a record's resource-based policy is known. Infrastructure as code often leaves only
 * a condition value unknown (`SourceArn: !GetAtt Bucket.Arn`, Terraform's `after_unknown`), and the
 * adapters then leave that condition out of the statement. A condition can only narrow an Allow, so
 * a verdict of "not exposed" reached without it stands, and only an exposure it might remove is not
 * judged. Any other unknown part of the policy (its principal, its action, the whole policy) leaves
 * the exposure rules not judged.
 */
import type { FunctionRecord, UnknownPart } from '../../snapshot/types.js';
import { unknownPartFor } from '../unknown.js';

export type PolicyKnowledge =
  | { readonly kind: 'known' }
  /** Only condition values are unknown: a pass stands, an exposure is not judged. */
  | { readonly kind: 'conditions-unknown'; readonly part: UnknownPart }
  | { readonly kind: 'unknown'; readonly part: UnknownPart };

const KNOWN: PolicyKnowledge = { kind: 'known' };
const CONDITION = 'policy.Statement.Condition';

export function policyKnowledge(record: FunctionRecord): PolicyKnowledge {
  if (record.policy === undefined) {
    const part = unknownPartFor(record, 'policy');
    if (part) return { kind: 'unknown', part };
  }
  const parts = (record.unknown ?? []).filter((p) => p.path === 'policy' || p.path.startsWith('policy.'));
  const [first] = parts;
  if (first === undefined) return KNOWN;
  const conditionsOnly = parts.every((p) => p.path === CONDITION || p.path.startsWith(`${CONDITION}.`));
  return { kind: conditionsOnly ? 'conditions-unknown' : 'unknown', part: first };
}
