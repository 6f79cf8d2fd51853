/**
 * What the function's execution role can do (its identity policies after boundary and Deny) and
 * who may assume it (its trust policy): `role-admin-access`, `role-privilege-escalation`,
 * `role-data-wildcard`, `role-trust-too-broad`. The analysis is src/iam/analyse.ts, once per role;
 * this check reports one of its facts. Messages name the policy and statement (Sid or index),
 * never a document.
 */
import type { StatementRef } from '../../iam/index.js';
import { ESCALATION_METHODS } from '../../iam/index.js';
import { roleOf } from '../roles.js';
import { NotJudged, type Check, type MatchVars } from '../types.js';

export interface ExecutionRoleOptions {
  /** Which fact of the role this rule reports. */
  readonly when: 'admin' | 'escalation' | 'data-wildcard' | 'trust';
  /**
   * `trust`: services that may assume an execution role.
   * @default ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]
   */
  readonly allowedServices: readonly string[];
  /**
   * `trust`: accounts (12 digits) that may assume the role besides none; the own account is not
   * allowed by default either (any of its principals could then act as the function).
   * @default []
   */
  readonly allowedAccounts: readonly string[];
}

const methodNames = new Map(ESCALATION_METHODS.map((m) => [m.id, m.name]));

export const executionRole: Check<ExecutionRoleOptions> = {
  meta: {
    id: 'execution-role',
    description:
      "Facts about the function's execution role: admin access, privilege escalation, data wildcards, trust.",
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['when'],
      properties: {
        when: { enum: ['admin', 'escalation', 'data-wildcard', 'trust'] },
        allowedServices: { type: 'array', items: { type: 'string', minLength: 1 } },
        allowedAccounts: { type: 'array', items: { type: 'string', pattern: '^\\d{12}$' } },
      },
    },
    defaults: {
      when: 'admin',
      allowedServices: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'],
      allowedAccounts: [],
    },
    vars: ['role', 'grants', 'count'],
    reads: [],
  },
  create(options) {
    const services = new Set(options.allowedServices.map((s) => s.toLowerCase()));
    const accounts = new Set(options.allowedAccounts);
    return (record, fleet) => {
      const known = roleOf(record, fleet);
      const vars = (roleName: string, grants: readonly string[]): MatchVars => ({
        role: roleName,
        grants: grants.join('; '),
        count: grants.length,
      });
      if (options.when === 'trust') {
        // Who may assume the role is judged whenever its trust policy is known, even where a
        // permissions policy is not.
        const trust = 'unknown' in known ? known.trust : known.facts.trust;
        if (trust === undefined || known.role === undefined)
          return 'unknown' in known ? new NotJudged(known.unknown) : undefined;
        const broad = trust.filter((t) => {
          if (t.audience === 'service') return !services.has(t.principal.toLowerCase());
          if (t.audience === 'other-account' || t.audience === 'own-account') {
            const account = /^\d{12}$/.test(t.principal) ? t.principal : t.principal.split(':')[4];
            return account === undefined || !accounts.has(account);
          }
          return true;
        });
        if (broad.length === 0) return undefined;
        return vars(
          known.role.name,
          broad.map((t) => `${t.principal} (${audienceText[t.audience]}) ${via(t)}`),
        );
      }
      if ('unknown' in known) return new NotJudged(known.unknown);
      const { role, facts } = known;
      switch (options.when) {
        case 'admin':
          return facts.admin ? vars(role.name, [`every action on every resource ${via(facts.admin)}`]) : undefined;
        case 'escalation': {
          // An admin role is reported once, by role-admin-access.
          if (facts.admin || facts.escalations.length === 0) return undefined;
          return vars(
            role.name,
            facts.escalations.map(
              (e) =>
                `${methodNames.get(e.method) ?? e.method} ${e.conditional ? 'under a condition, ' : ''}through ${e.by.map(refText).join(' and ')}`,
            ),
          );
        }
        case 'data-wildcard':
          if (facts.admin || facts.dataWildcards.length === 0) return undefined;
          return vars(
            role.name,
            facts.dataWildcards.map((d) => `${d.service} (${d.actions.join(', ')}) on every resource ${via(d)}`),
          );
      }
    };
  },
};

const audienceText: Record<string, string> = {
  public: 'anyone',
  'other-account': 'another account',
  'own-account': 'a principal of the own account',
  service: 'an AWS service',
  organization: 'an organization',
  restricted: 'restricted by a condition',
};

function via(grant: { readonly by: StatementRef; readonly conditional: boolean }): string {
  return `${grant.conditional ? 'under a condition, ' : ''}through ${refText(grant.by)}`;
}

/** `AdministratorAccess statement #1`, `inline policy app statement "AllowAll"`. */
export function refText(ref: StatementRef): string {
  const policy = ref.policy.startsWith('inline:')
    ? `inline policy ${ref.policy.slice('inline:'.length)}`
    : (ref.policy.split('/').pop() ?? ref.policy);
  const statement = ref.statement.startsWith('#') ? `statement ${ref.statement}` : `statement "${ref.statement}"`;
  return `${policy} ${statement}`;
}
