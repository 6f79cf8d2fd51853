/**
 * What a `Deny` statement leaves of an `Allow` (docs/policies.md, "Deny"). Pure analysis over
 * normalised statements; resource-policy.ts applies it to each grant.
 *
 * A Deny applies when every one of its conditions is true (operators and keys combine with AND,
 * IAM "Conditions with multiple context keys or values"), so a caller escapes it when one
 * condition is false. The conditions that can be false for a known set of callers only are the
 * guards of a data perimeter: a negated match (`StringNotEquals`, `StringNotEqualsIgnoreCase`,
 * `StringNotLike`, `ArnNotEquals`, `ArnNotLike`) on fixed values of a key that names the caller.
 * Such a condition is true for a request that lacks the key, with or without `...IfExists` (IAM
 * "Condition operators": a negated operator on a missing key is true; `...IfExists` on a missing
 * key is true), so only callers whose key matches a listed value escape. Anything else (a `Null`
 * check, a positive operator, a set operator, another key, a wildcard or policy variable) may be
 * false for anyone: the Deny is then assumed not to apply, as before, and the Allow stands.
 *
 * Callers come in two kinds that carry different keys: IAM principals carry `aws:Principal*`
 * (never `aws:Source*`), AWS service principals acting for a resource carry `aws:Source*` (never
 * `aws:Principal*`, "AWS global condition context keys").
 */
import type { PolicyStatement } from '../../snapshot/types.js';

/** Who escapes a Deny (or is left after several): for each kind of caller, accounts and organizations. */
export interface Survivors {
  /** IAM principals of these accounts escape. */
  readonly iamAccounts: ReadonlySet<string>;
  /** IAM principals of a listed organization escape. */
  readonly iamOrganization: boolean;
  /** Service principals acting for a resource of these accounts escape. */
  readonly serviceAccounts: ReadonlySet<string>;
  readonly serviceOrganization: boolean;
  /** Every service principal escapes (`aws:PrincipalIsAWSService` = `false` guard). */
  readonly anyService: boolean;
}

/** The Deny leaves everyone (it cannot be shown to apply). */
export const NOT_APPLIED = 'not-applied';

const NONE: Survivors = {
  iamAccounts: new Set(),
  iamOrganization: false,
  serviceAccounts: new Set(),
  serviceOrganization: false,
  anyService: false,
};

const NEGATED = new Set([
  'stringnotequals',
  'stringnotequalsignorecase',
  'stringnotlike',
  'arnnotequals',
  'arnnotlike',
]);
const WILDCARD_OPERATORS = new Set(['stringnotlike', 'arnnotequals', 'arnnotlike']);

type Side = 'iam' | 'service';
type Names = 'accounts' | 'organization' | 'arn-accounts';
const GUARD_KEYS: Readonly<Record<string, readonly [Side, Names]>> = {
  'aws:principalaccount': ['iam', 'accounts'],
  'aws:principalarn': ['iam', 'arn-accounts'],
  'aws:principalorgid': ['iam', 'organization'],
  'aws:principalorgpaths': ['iam', 'organization'],
  'aws:sourceaccount': ['service', 'accounts'],
  'aws:sourceowner': ['service', 'accounts'],
  'aws:sourcearn': ['service', 'arn-accounts'],
  'aws:sourceorgid': ['service', 'organization'],
  'aws:sourceorgpaths': ['service', 'organization'],
};

/**
 * The callers a Deny with a `Principal` that covers them leaves, or `not-applied`. An unconditional
 * Deny leaves nobody.
 */
export function denySurvivors(deny: PolicyStatement): Survivors | typeof NOT_APPLIED {
  // A Deny on every resource but some may not be on this function: assume it does not apply.
  if (deny.NotResource !== undefined) return NOT_APPLIED;
  const iamAccounts = new Set<string>();
  const serviceAccounts = new Set<string>();
  let iamOrganization = false;
  let serviceOrganization = false;
  let anyService = false;
  for (const [rawOperator, keys] of Object.entries(deny.Condition ?? {})) {
    let operator = rawOperator.toLowerCase();
    if (operator.endsWith('ifexists')) operator = operator.slice(0, -'ifexists'.length);
    for (const [rawKey, values] of Object.entries(keys)) {
      const key = rawKey.toLowerCase();
      if (key === 'aws:principalisawsservice' && operator === 'bool' && values.length === 1) {
        // Deny unless the caller is a service: every service principal escapes.
        if (values[0]?.toLowerCase() === 'false') {
          anyService = true;
          continue;
        }
        return NOT_APPLIED;
      }
      const guard = GUARD_KEYS[key];
      if (guard === undefined || !NEGATED.has(operator) || values.length === 0) return NOT_APPLIED;
      const [side, names] = guard;
      const accounts = names === 'organization' ? [] : values.map((v) => guardAccount(v, operator, names));
      if (names === 'organization') {
        const ids = values.map((v) => v.split('/')[0] ?? '');
        if (!ids.every((id) => isFixed(id, operator))) return NOT_APPLIED;
        if (side === 'iam') iamOrganization = true;
        else serviceOrganization = true;
      } else {
        if (!accounts.every((a): a is string => a !== undefined)) return NOT_APPLIED;
        for (const a of accounts) (side === 'iam' ? iamAccounts : serviceAccounts).add(a);
      }
    }
  }
  if (deny.Condition === undefined || Object.keys(deny.Condition).length === 0) return NONE;
  return { iamAccounts, iamOrganization, serviceAccounts, serviceOrganization, anyService };
}

function guardAccount(value: string, operator: string, names: Names): string | undefined {
  const account = names === 'accounts' ? value : value.split(':')[4];
  if (account === undefined || !/^\d{12}$/.test(account)) return undefined;
  return isFixed(account, operator) ? account : undefined;
}

function isFixed(value: string, operator: string): boolean {
  if (value === '' || value.includes('${')) return false;
  return !(WILDCARD_OPERATORS.has(operator) && /[*?]/.test(value));
}

/** What is left when two Denies apply: callers that escape both. */
export function bothEscape(a: Survivors, b: Survivors): Survivors {
  const service = a.anyService
    ? { serviceAccounts: b.serviceAccounts, serviceOrganization: b.serviceOrganization, anyService: b.anyService }
    : b.anyService
      ? { serviceAccounts: a.serviceAccounts, serviceOrganization: a.serviceOrganization, anyService: false }
      : {
          serviceAccounts: meet(a.serviceAccounts, a.serviceOrganization, b.serviceAccounts, b.serviceOrganization),
          serviceOrganization: a.serviceOrganization && b.serviceOrganization,
          anyService: false,
        };
  return {
    iamAccounts: meet(a.iamAccounts, a.iamOrganization, b.iamAccounts, b.iamOrganization),
    iamOrganization: a.iamOrganization && b.iamOrganization,
    ...service,
  };
}

/**
 * Accounts left by two guards. An account escapes both when both list it, or when one lists it and
 * the other lets an organization through: whether the account is in that organization cannot be
 * told, so it is kept (the analysis errs towards reporting).
 */
function meet(a: ReadonlySet<string>, aOrg: boolean, b: ReadonlySet<string>, bOrg: boolean): Set<string> {
  return new Set([...a, ...b].filter((x) => (a.has(x) || aOrg) && (b.has(x) || bOrg)));
}

/** An unconditional Deny: nobody is left. */
export const DENIED_TO_ALL: Survivors = NONE;
