/**
 * A function's execution role, as the role rules see it: the role of `configuration.Role` in the
 * snapshot's IAM (stored once per account), analysed once per evaluation (src/iam/analyse.ts).
 * Whatever keeps the role from being known is an unknown part, and the rules are not judged:
 * - `other-account`: the role lives in an account the run did not read;
 * - `denied`, `failed`, `skipped`: the account's IAM read (GetAccountAuthorizationDetails) was
 *   refused, failed, or left out with `--no-roles`;
 * - `not-in-input`: offline input without IAM (get-function JSON, an older snapshot);
 * - `plan-time`: infrastructure as code whose role is defined outside the template.
 */
import { analyseRole, type RoleFacts } from '../iam/index.js';
import type { FunctionRecord, IamRole, UnknownPart } from '../snapshot/types.js';
import { cached } from './fleet.js';
import type { FleetContext } from './types.js';
import { unknownPartFor } from './unknown.js';

export interface KnownRole {
  readonly role: IamRole;
  readonly facts: RoleFacts;
}

export type RoleKnowledge = KnownRole | { readonly unknown: UnknownPart };

const IAC_SOURCES: ReadonlySet<FunctionRecord['source']> = new Set(['template', 'plan']);

/** The record's execution role with its analysis, or the part that keeps it from being known. */
export function roleOf(record: FunctionRecord, fleet: FleetContext): RoleKnowledge {
  const declared = unknownPartFor(record, 'configuration.Role');
  if (declared) return { unknown: declared };
  const arn = record.configuration.Role;
  if (arn === undefined || arn === '')
    return {
      unknown: { path: 'configuration.Role', reason: 'not-in-input', detail: 'no execution role in the record' },
    };
  return cached(fleet, `role\u0000${arn}`, () => lookUp(record, arn, fleet));
}

function lookUp(record: FunctionRecord, arn: string, fleet: FleetContext): RoleKnowledge {
  const account = accountOf(arn);
  if (fleet.iam === undefined)
    return { unknown: { path: 'iam', reason: 'not-in-input', detail: 'the input carries no IAM roles' } };
  const iam = account === undefined ? undefined : fleet.iam.get(account);
  if (iam === undefined)
    return account !== undefined && account !== record.account
      ? { unknown: { path: 'iam', reason: 'other-account', detail: `the role is in account ${account}` } }
      : {
          unknown: { path: 'iam', reason: 'not-in-input', detail: `no IAM read of account ${account ?? '(unknown)'}` },
        };
  if (iam.unknown) return { unknown: iam.unknown };
  const role = iam.roles[arn];
  if (role === undefined)
    return {
      unknown: IAC_SOURCES.has(record.source)
        ? { path: 'iam', reason: 'plan-time', detail: 'the role is defined outside the template' }
        : { path: 'iam', reason: 'not-in-input', detail: `the role ${arn} is not in the account's IAM (deleted?)` },
    };
  const analysis = analyseRole(role, (policy) => iam.policies[policy], iam.account);
  if ('unknown' in analysis) return { unknown: analysis.unknown };
  return { role, facts: analysis };
}

/** The account of an IAM ARN (`arn:aws:iam::123456789012:role/x`). */
export function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
