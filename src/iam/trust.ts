/**
 * Who a role's trust policy lets assume it. Every principal of every Allow statement covering
 * `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML` (so also `sts:*`
 * and `*`), after unconditional Denies, with the audience it opens the role to. Conditions tie a
 * principal down as in the resource-policy model (src/rules/checks/resource-policy.ts): an
 * `aws:PrincipalOrgID` ties `*` to an organization, `aws:PrincipalAccount` to accounts.
 */
import { conditionTies, principalAccount, type Audience } from '../rules/checks/resource-policy.js';
import type { PolicyDocument, PolicyStatement } from '../snapshot/types.js';
import { conditionKeys, sid, type StatementRef } from './evaluate.js';
import { actionMatcher } from './match.js';

/**
 * - `public`: anyone (`*` or `NotPrincipal`, nothing tying the caller down).
 * - `other-account` / `own-account`: principals of another account / of the role's account.
 * - `service`: an AWS service principal (`lambda.amazonaws.com`).
 * - `organization`: tied to an AWS Organization by a condition.
 * - `restricted`: tied to something whose account cannot be told (a federated identity provider,
 *   a VPC, an IAM unique id).
 */
export type TrustAudience = 'public' | 'other-account' | 'own-account' | 'service' | 'organization' | 'restricted';

export interface TrustGrant {
  /** As written: `*`, an account id, an ARN, `lambda.amazonaws.com`, `NotPrincipal`. */
  readonly principal: string;
  readonly audience: TrustAudience;
  readonly by: StatementRef;
  /** The statement has a Condition: the grant depends on request context. */
  readonly conditional: boolean;
}

const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];
export const TRUST_POLICY = 'trust';

function coversAssume(s: PolicyStatement): string[] {
  if (s.Action !== undefined) {
    const m = actionMatcher(s.Action);
    return ASSUME_ACTIONS.filter((a) => m(a));
  }
  if (s.NotAction !== undefined) {
    const m = actionMatcher(s.NotAction);
    return ASSUME_ACTIONS.filter((a) => !m(a));
  }
  return [];
}

export function trustGrants(trust: PolicyDocument, account: string): TrustGrant[] {
  const denies = trust.Statement.filter((s) => s.Effect === 'Deny' && s.Condition === undefined && s.Principal);
  const grants: TrustGrant[] = [];
  trust.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const actions = coversAssume(statement);
    if (actions.length === 0) return;
    const ties = conditionTies(statement);
    if (ties === 'never') return;
    const by = { policy: TRUST_POLICY, statement: sid(statement, index) };
    const conditional = conditionKeys(statement).length > 0;
    const principals: [string, string][] = statement.NotPrincipal
      ? [['NotPrincipal', 'NotPrincipal']]
      : Object.entries(statement.Principal ?? {}).flatMap(([type, values]) =>
          values.map((v): [string, string] => [type, v]),
        );
    for (const [type, value] of principals) {
      const denied = actions.every((a) => denies.some((d) => deniesAssume(d, a, value)));
      if (denied) continue;
      grants.push({ principal: value, audience: audience(type, value, ties.audience, account), by, conditional });
    }
  });
  return grants;
}

function deniesAssume(deny: PolicyStatement, action: string, principal: string): boolean {
  if (!coversAssume(deny).includes(action)) return false;
  return Object.values(deny.Principal ?? {}).some((values) =>
    values.some(
      (v) => v === '*' || v === principal || (isAccount(v) && isAccount(principal) && sameAccount(v, principal)),
    ),
  );
}

/** An account id and its root ARN name the same principal. */
const isAccount = (p: string): boolean => /^\d{12}$/.test(p) || /^arn:aws[\w-]*:iam::\d{12}:root$/.test(p);
const sameAccount = (a: string, b: string): boolean => principalAccount(a) === principalAccount(b);

function audience(type: string, value: string, tied: Audience | undefined, account: string): TrustAudience {
  if (type === 'Service') return 'service';
  if (type === 'NotPrincipal' || value === '*') {
    if (tied === undefined) return 'public';
    return fromTies(tied, account);
  }
  if (type === 'AWS') {
    const owner = principalAccount(value);
    if (owner !== undefined) return owner === account ? 'own-account' : 'other-account';
  }
  if (tied !== undefined) return fromTies(tied, account);
  // Federated (a SAML or OIDC provider), CanonicalUser, an IAM unique id of a deleted role.
  return 'restricted';
}

function fromTies(tied: Audience, account: string): TrustAudience {
  switch (tied.kind) {
    case 'accounts':
      return tied.accounts.every((a) => a === account) ? 'own-account' : 'other-account';
    case 'organization':
      return 'organization';
    case 'public':
    case 'unbound-service':
      return 'public';
    case 'authenticated':
    case 'restricted':
      return 'restricted';
  }
}
