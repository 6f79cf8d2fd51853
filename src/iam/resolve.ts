/**
 * A function's execution role in the snapshot's IAM (stored once per account, referenced by
 * `configuration.Role`), analysed. Whatever keeps the role from being known is an unknown part:
 * - `other-account`: the role lives in an account the run did not read;
 * - `denied`, `failed`, `skipped`: the account's IAM read was refused, failed, or left out
 *   (`--no-roles`);
 * - `not-in-input`: offline input without IAM (get-function JSON, an older snapshot), or a role the
 *   account's read did not return (deleted since);
 * - `plan-time`: infrastructure as code whose role is defined outside the template.
 */
import type { AccountIam, FunctionRecord, IamRole, UnknownPart } from '../snapshot/types.js';
import { analyseRole, type RoleFacts } from './analyse.js';
import type { TrustGrant } from './trust.js';

export interface KnownRole {
  readonly role: IamRole;
  readonly facts: RoleFacts;
}

/** Unknown: the role's permissions are not judged; `trust` when who may assume it is still known. */
export type RoleKnowledge =
  KnownRole | { readonly unknown: UnknownPart; readonly role?: IamRole; readonly trust?: readonly TrustGrant[] };

const IAC_SOURCES: ReadonlySet<FunctionRecord['source']> = new Set(['template', 'plan']);

/**
 * The role named `arn` for `record`, analysed. `iam` is the snapshot's IAM by account, undefined
 * when the snapshot carries none. Callers cache by role ARN: the answer depends on the ARN, the
 * record's account and whether it comes from infrastructure as code, nothing else.
 */
export function resolveRole(
  record: Pick<FunctionRecord, 'account' | 'source'>,
  arn: string,
  iam: ReadonlyMap<string, AccountIam> | undefined,
): RoleKnowledge {
  const account = accountOf(arn);
  if (iam === undefined)
    return { unknown: { path: 'iam', reason: 'not-in-input', detail: 'the input carries no IAM roles' } };
  const read = account === undefined ? undefined : iam.get(account);
  if (read === undefined)
    return account !== undefined && account !== record.account
      ? { unknown: { path: 'iam', reason: 'other-account', detail: `the role is in account ${account}` } }
      : {
          unknown: { path: 'iam', reason: 'not-in-input', detail: `no IAM read of account ${account ?? '(unknown)'}` },
        };
  if (read.unknown) return { unknown: read.unknown };
  const role = read.roles[arn];
  if (role === undefined)
    return {
      unknown: IAC_SOURCES.has(record.source)
        ? { path: 'iam', reason: 'plan-time', detail: 'the role is defined outside the template' }
        : { path: 'iam', reason: 'not-in-input', detail: `the role ${arn} is not in the account's IAM (deleted?)` },
    };
  const analysis = analyseRole(role, (policy) => read.policies[policy], read.account);
  if ('unknown' in analysis)
    return analysis.trust === undefined
      ? { unknown: analysis.unknown }
      : { unknown: analysis.unknown, role, trust: analysis.trust };
  return { role, facts: analysis };
}

/** The account of an IAM ARN (`arn:aws:iam::123456789012:role/x`). */
export function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * What a role can do, as a baseline keeps it for drift: the permissions digest and the facts the
 * role rules judge (`admin`, `escalation:<method>`, `data:<service>`, `trust:<principal>`), sorted,
 * so a reviewer sees what changed, not only that something did.
 */
export interface RoleSummary {
  readonly permissions: string;
  readonly facts: readonly string[];
}

export function summariseRole(facts: RoleFacts): RoleSummary {
  return {
    permissions: facts.permissions,
    facts: [
      ...(facts.admin ? ['admin'] : []),
      ...facts.escalations.map((e) => `escalation:${e.method}`),
      ...facts.dataWildcards.map((d) => `data:${d.service}`),
      ...facts.trust.map((t) => `trust:${t.principal}`),
    ].sort(),
  };
}
