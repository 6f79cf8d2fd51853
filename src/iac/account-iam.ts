/**
 * The snapshot's `iam` for IaC input: one `AccountIam` per account of the records, as a crawl
 * stores it (roles keyed by the ARN the functions' `configuration.Role` holds, managed policies
 * once). The template's customer managed policies and the AWS managed policies the roles name
 * (from the shipped data) go into `policies`; one the data does not hold is left out: unknown.
 *
 * A role read in several variants of a template (parameter values, condition branches) or by
 * several functions is stored once; a part that differs between them is unknown (`plan-time`),
 * since one snapshot entry cannot hold both outcomes.
 */
import type { AccountIam, IamManagedPolicy, IamRole, UnknownPart } from '../snapshot/types.js';
import { awsManagedPolicy, isAwsManagedArn } from './managed-policies.js';
import type { PlannedRole } from './roles.js';

export interface RoleOfRecord {
  /** The record's account (after the record builder settled it). */
  readonly account: string;
  readonly role?: PlannedRole | undefined;
}

const PARTS = ['trustPolicy', 'inlinePolicies', 'managedPolicies', 'permissionsBoundary'] as const;

export function accountIam(entries: readonly RoleOfRecord[]): AccountIam[] {
  const accounts = new Map<string, { roles: Map<string, IamRole>; policies: Map<string, IamManagedPolicy> }>();
  for (const { account, role } of entries) {
    let at = accounts.get(account);
    if (!at) accounts.set(account, (at = { roles: new Map(), policies: new Map() }));
    if (!role) continue;
    const earlier = at.roles.get(role.role.arn);
    at.roles.set(role.role.arn, earlier ? merged(earlier, role.role) : role.role);
    for (const p of role.policies) at.policies.set(p.arn, p);
  }
  return [...accounts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, { roles, policies }]) => {
      for (const role of roles.values())
        for (const arn of [...role.managedPolicies, ...(role.permissionsBoundary ? [role.permissionsBoundary] : [])]) {
          if (policies.has(arn) || !isAwsManagedArn(arn)) continue;
          const known = awsManagedPolicy(arn);
          if (known) policies.set(arn, { ...known, arn });
        }
      return { account, roles: sortedRecord(roles), policies: sortedRecord(policies) };
    });
}

/** One role seen twice: parts that differ become unknown. */
function merged(a: IamRole, b: IamRole): IamRole {
  const unknown: UnknownPart[] = [...(a.unknown ?? [])];
  for (const u of b.unknown ?? []) if (!unknown.some((x) => x.path === u.path)) unknown.push(u);
  for (const part of PARTS)
    if (JSON.stringify(a[part]) !== JSON.stringify(b[part]) && !unknown.some((x) => x.path === part))
      unknown.push({ path: part, reason: 'plan-time', detail: 'differs between parameter values or conditions' });
  return unknown.length > 0 ? { ...a, unknown } : a;
}

function sortedRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
