/**
 * A function's execution role, as the role rules see it: `resolveRole` (src/iam/resolve.ts), once
 * per role and evaluation. Whatever keeps it from being known is the unknown part that leaves the
 * role rules not judged.
 */
import { resolveRole, type RoleKnowledge } from '../iam/resolve.js';
import type { FunctionRecord } from '../snapshot/types.js';
import { cached } from './fleet.js';
import type { FleetContext } from './types.js';
import { unknownPartFor } from './unknown.js';

export function roleOf(record: FunctionRecord, fleet: FleetContext): RoleKnowledge {
  const declared = unknownPartFor(record, 'configuration.Role');
  if (declared) return { unknown: declared };
  const arn = record.configuration.Role;
  if (arn === undefined || arn === '')
    return {
      unknown: { path: 'configuration.Role', reason: 'not-in-input', detail: 'no execution role in the record' },
    };
  return cached(fleet, `role\u0000${record.account}\u0000${record.source}\u0000${arn}`, () =>
    resolveRole(record, arn, fleet.iam),
  );
}
