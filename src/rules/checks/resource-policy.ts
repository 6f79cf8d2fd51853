/**
 * Who a function's resource-based policy lets invoke it. Pure analysis over the normalised
 * `ResourcePolicy` (src/snapshot/policy.ts); the exposure checks decide what to report.
 *
 * The model is deliberately small and errs towards reporting (docs/policies.md, "Who can invoke
 * it"):
 * - Actions: IAM wildcards (`*`, `?`), case-insensitive, `NotAction` honoured.
 * - A condition *ties the caller down* only when it is a positive match (`StringEquals`,
 *   `StringEqualsIgnoreCase`, `StringLike`, `ArnEquals`, `ArnLike`, `Bool`, optionally under
 *   `ForAnyValue:`) on a fixed value (no wildcard where a wildcard matches, no `${policy variable}`)
 *   of a key that names the caller: accounts, ARNs with a fixed account, organizations, VPCs or VPC
 *   endpoints, an event-source token. `...IfExists`, `ForAllValues:`, negated operators and `Null`
 *   let a caller without the key through, so they tie nothing. `aws:SourceIp` is a network range,
 *   not an identity: it ties nothing either.
 * - An ARN without an account field (an S3 bucket) ties nothing: a deleted bucket's name can be
 *   claimed by anyone, which is why AWS asks for `aws:SourceAccount` next to it.
 * - A Deny narrows an Allow to the callers that escape it (deny-guards.ts): an unconditional Deny
 *   leaves nobody, a guard (`StringNotEquals aws:PrincipalOrgID ...`) leaves an organization or
 *   accounts, any other conditional Deny is assumed not to apply. It must cover the action and
 *   name the principal (`*`, the same principal, or not in its `NotPrincipal`). `Resource` is
 *   ignored: a function's policy only ever names that function; a Deny with `NotResource` is
 *   assumed not to apply.
 * - Read actions (`lambda:GetFunction`, `lambda:GetFunctionConfiguration`) are analysed like
 *   invoke actions (`readGrants`): they let a caller download the code and read the environment.
 */
import type { PolicyStatement, ResourcePolicy } from '../../snapshot/types.js';
import { bothEscape, DENIED_TO_ALL, denySurvivors, NOT_APPLIED, type Survivors } from './deny-guards.js';

export const INVOKE_FUNCTION = 'lambda:InvokeFunction';
export const INVOKE_FUNCTION_URL = 'lambda:InvokeFunctionUrl';

/**
 * Who can use a grant:
 * - `public`: anyone, with nothing tying the caller down.
 * - `unbound-service`: an AWS service principal with no source condition: any customer of that
 *   service can point it at the function (the "confused deputy").
 * - `authenticated`: any signed-in AWS principal of any account (a URL grant tied to `AWS_IAM`).
 * - `accounts`: callers of these accounts only.
 * - `organization`: callers in an AWS Organization (or organizational unit).
 * - `restricted`: tied down, but to something whose account cannot be told (a VPC, an endpoint, an
 *   event-source token, an IAM unique id).
 */
export type Audience =
  | { readonly kind: 'public' | 'unbound-service' | 'authenticated' | 'restricted' }
  /** With `accounts`: those accounts too (a Deny guard that lets an organization and some accounts through). */
  | { readonly kind: 'organization'; readonly accounts?: readonly string[] }
  | { readonly kind: 'accounts'; readonly accounts: readonly string[] };

/** One principal of one Allow statement that grants an invoke action. */
export interface Grant {
  /** The statement's Sid, or `statement #N` (1-based) when it has none. */
  readonly sid: string;
  /** The principal as written (`*`, an account id, an ARN, `s3.amazonaws.com`, `NotPrincipal`). */
  readonly principal: string;
  /** `lambda:InvokeFunction` granted (and not only through the function URL). */
  readonly invoke: boolean;
  /** `lambda:InvokeFunctionUrl` granted. */
  readonly url: boolean;
  /** The statement only applies to calls through the function URL (`lambda:InvokedViaFunctionUrl`, `lambda:FunctionUrlAuthType`). */
  readonly viaUrlOnly: boolean;
  /** The URL auth types (`NONE`, `AWS_IAM`) a `lambda:FunctionUrlAuthType` condition limits the statement to; absent: any. */
  readonly urlAuthTypes?: readonly string[];
  readonly audience: Audience;
}

/** IAM action match: `*` and `?` wildcards, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** Whether a statement's `Action` / `NotAction` covers `action`. */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action) return statement.Action.some((p) => actionMatches(p, action));
  if (statement.NotAction) return !statement.NotAction.some((p) => actionMatches(p, action));
  return false;
}

/**
 * Whether some Allow statement could grant `lambda:InvokeFunctionUrl` to anyone at all. A crawler
 * may skip GetFunctionUrlConfig when this is false: no URL of the function can then be public.
 */
export function mayGrantUrlInvoke(policy: ResourcePolicy | null | undefined): boolean {
  return (policy?.Statement ?? []).some((s) => s.Effect === 'Allow' && coversAction(s, INVOKE_FUNCTION_URL));
}

/** Every principal that an Allow statement lets invoke the function, after the Denies. */
export function invokeGrants(policy: ResourcePolicy | null | undefined): Grant[] {
  const statements = policy?.Statement ?? [];
  const grants: Grant[] = [];
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const invokeAction = coversAction(statement, INVOKE_FUNCTION);
    const urlAction = coversAction(statement, INVOKE_FUNCTION_URL);
    if (!invokeAction && !urlAction) return;
    const ties = conditionTies(statement);
    if (ties === 'never') return;
    const sid = sidOf(statement, index);
    for (const principal of principalsOf(statement)) {
      const allowed = audienceOf(principal, ties);
      const invoke = invokeAction && !ties.viaUrlOnly ? confine(allowed, statements, principal, INVOKE_FUNCTION) : null;
      const url = urlAction ? confine(allowed, statements, principal, INVOKE_FUNCTION_URL) : null;
      // Through the URL only, lambda:InvokeFunction is half of a URL grant: kept (invoke false) for the URL rules.
      const viaUrlHalf =
        invokeAction && ties.viaUrlOnly ? confine(allowed, statements, principal, INVOKE_FUNCTION) : null;
      const base = {
        sid,
        principal: principal.value,
        viaUrlOnly: ties.viaUrlOnly,
        ...(ties.urlAuthTypes ? { urlAuthTypes: ties.urlAuthTypes } : {}),
      };
      if (invoke !== null && url !== null && sameAudience(invoke, url)) {
        grants.push({ ...base, invoke: true, url: true, audience: invoke });
        continue;
      }
      if (invoke !== null) grants.push({ ...base, invoke: true, url: false, audience: invoke });
      if (url !== null) grants.push({ ...base, invoke: false, url: true, audience: url });
      else if (invoke === null && viaUrlHalf !== null)
        grants.push({ ...base, invoke: false, url: false, audience: viaUrlHalf });
    }
  });
  return grants;
}

/** The read actions that expose a function's code and environment (Security Hub Lambda.1). */
export const READ_ACTIONS = ['lambda:GetFunction', 'lambda:GetFunctionConfiguration'] as const;

/** One principal of one Allow statement that lets it read the function (code, configuration, environment). */
export interface ReadGrant {
  readonly sid: string;
  readonly principal: string;
  /** The read actions granted, of `READ_ACTIONS`. */
  readonly actions: readonly string[];
  readonly audience: Audience;
}

/** Every principal that an Allow statement lets read the function, after the Denies. */
export function readGrants(policy: ResourcePolicy | null | undefined): ReadGrant[] {
  const statements = policy?.Statement ?? [];
  const grants: ReadGrant[] = [];
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const actions = READ_ACTIONS.filter((a) => coversAction(statement, a));
    if (actions.length === 0) return;
    const ties = conditionTies(statement);
    // A read is never a call through the function URL: a statement limited to those never applies.
    if (ties === 'never' || ties.viaUrlOnly) return;
    for (const principal of principalsOf(statement)) {
      const allowed = audienceOf(principal, ties);
      // One grant per audience: a Deny may confine one read action and not the other.
      const byAudience = new Map<string, { audience: Audience; actions: string[] }>();
      for (const action of actions) {
        const audience = confine(allowed, statements, principal, action);
        if (audience === null) continue;
        const key = JSON.stringify(audience);
        const entry = byAudience.get(key) ?? { audience, actions: [] };
        entry.actions.push(action);
        byAudience.set(key, entry);
      }
      for (const { audience, actions: granted } of byAudience.values())
        grants.push({ sid: sidOf(statement, index), principal: principal.value, actions: granted, audience });
    }
  });
  return grants;
}

function sidOf(statement: PolicyStatement, index: number): string {
  return statement.Sid !== undefined && statement.Sid !== '' ? statement.Sid : `statement #${index + 1}`;
}

function sameAudience(a: Audience, b: Audience): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Principal {
  readonly type: string;
  readonly value: string;
}

function principalsOf(statement: PolicyStatement): Principal[] {
  // Allow with NotPrincipal grants everyone except the listed principals.
  if (statement.NotPrincipal) return [{ type: 'NotPrincipal', value: 'NotPrincipal' }];
  return Object.entries(statement.Principal ?? {}).flatMap(([type, values]) =>
    values.map((value) => ({ type, value })),
  );
}

/**
 * The audience left of `allowed` for `action` after every Deny that covers it, or `null` when no
 * caller is left (deny-guards.ts says who escapes one Deny).
 */
function confine(
  allowed: Audience,
  statements: readonly PolicyStatement[],
  principal: Principal,
  action: string,
): Audience | null {
  let left: Survivors | undefined;
  for (const deny of statements) {
    if (deny.Effect !== 'Deny' || !coversAction(deny, action)) continue;
    const survivors = deny.NotPrincipal ? notPrincipalSurvivors(deny, principal) : principalSurvivors(deny, principal);
    if (survivors === NOT_APPLIED) continue;
    left = left === undefined ? survivors : bothEscape(left, survivors);
  }
  return left === undefined ? allowed : narrow(allowed, principal, left);
}

function principalSurvivors(deny: PolicyStatement, principal: Principal): Survivors | typeof NOT_APPLIED {
  const everyone = principal.type === 'NotPrincipal' || principal.value === '*';
  const key = principalKey(principal.value);
  const covers = Object.values(deny.Principal ?? {}).some((values) =>
    values.some((v) => v === '*' || (!everyone && principalKey(v) === key)),
  );
  return covers ? denySurvivors(deny) : NOT_APPLIED;
}

/** `Deny` + `NotPrincipal`, unconditional: everyone but the listed principals is denied. */
function notPrincipalSurvivors(deny: PolicyStatement, principal: Principal): Survivors | typeof NOT_APPLIED {
  if (deny.Condition !== undefined || deny.NotResource !== undefined) return NOT_APPLIED;
  const listed = Object.entries(deny.NotPrincipal ?? {}).flatMap(([type, values]) =>
    values.map((value) => ({ type, value })),
  );
  if (principal.type !== 'NotPrincipal' && principal.value !== '*') {
    const key = principalKey(principal.value);
    return listed.some((p) => p.value === '*' || principalKey(p.value) === key) ? NOT_APPLIED : DENIED_TO_ALL;
  }
  const accounts = listed.filter((p) => p.type === 'AWS').map((p) => principalAccount(p.value));
  if (!accounts.every((a): a is string => a !== undefined)) return NOT_APPLIED;
  return { ...DENIED_TO_ALL, iamAccounts: new Set(accounts), anyService: listed.some((p) => p.type === 'Service') };
}

/** `allowed` narrowed to the callers left by the Denies; `null` when nobody is. */
function narrow(allowed: Audience, principal: Principal, left: Survivors): Audience | null {
  const everyone = principal.type === 'NotPrincipal' || principal.value === '*';
  const service = principal.type === 'Service';
  if (service && left.anyService) return allowed;
  if (everyone && left.anyService) return allowed.kind === 'public' ? { kind: 'unbound-service' } : allowed;
  const accounts = new Set<string>([
    ...(service ? [] : left.iamAccounts),
    ...(service || everyone ? left.serviceAccounts : []),
  ]);
  const organization = (!service && left.iamOrganization) || ((service || everyone) && left.serviceOrganization);
  if (accounts.size === 0 && !organization) return null;
  const sorted = [...accounts].sort();
  switch (allowed.kind) {
    case 'public':
    case 'authenticated':
    case 'unbound-service':
      return organization
        ? { kind: 'organization', ...(sorted.length > 0 ? { accounts: sorted } : {}) }
        : { kind: 'accounts', accounts: sorted };
    case 'accounts': {
      const kept = allowed.accounts.filter((a) => accounts.has(a) || organization);
      return kept.length === 0 ? null : { kind: 'accounts', accounts: kept };
    }
    case 'organization':
      return organization ? allowed : { kind: 'accounts', accounts: sorted };
    case 'restricted':
      return allowed;
  }
}

/** An account id and its root ARN name the same principal. */
function principalKey(value: string): string {
  const root = /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(value);
  return root?.[1] ?? value;
}

/** The account of an IAM principal (`111122223333`, `arn:aws:iam::111122223333:role/x`, `arn:aws:sts::...`). */
export function principalAccount(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

function audienceOf(principal: Principal, ties: Ties): Audience {
  if (principal.type === 'NotPrincipal' || principal.value === '*') {
    return ties.audience ?? { kind: 'public' };
  }
  if (principal.type === 'Service') return ties.audience ?? { kind: 'unbound-service' };
  if (principal.type === 'AWS') {
    const account = principalAccount(principal.value);
    if (account !== undefined) return { kind: 'accounts', accounts: [account] };
  }
  // Federated, CanonicalUser, an IAM unique id left behind by a deleted role: no account to tell.
  return { kind: 'restricted' };
}

export interface Ties {
  /** Who the conditions tie the caller to, if anything. */
  readonly audience?: Audience;
  readonly viaUrlOnly: boolean;
  readonly urlAuthTypes?: readonly string[];
}

const ACCOUNT_KEYS = new Set(['aws:sourceaccount', 'aws:sourceowner', 'aws:principalaccount']);
const ARN_KEYS = new Set(['aws:sourcearn', 'aws:principalarn']);
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid']);
const ORG_PATH_KEYS = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);
const OTHER_KEYS = new Set(['aws:sourcevpc', 'aws:sourcevpce', 'lambda:eventsourcetoken']);
const POSITIVE = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'bool']);
const WILDCARD_OPERATORS = new Set(['stringlike', 'arnequals', 'arnlike']);

/**
 * What a statement's conditions tie the caller to. Keys combine with AND, so the narrowest wins:
 * accounts (intersected) over an organization over something else. `never` when the conditions
 * exclude every caller (two account conditions with nothing in common).
 */
export function conditionTies(statement: PolicyStatement): Ties | 'never' {
  let accounts: Set<string> | undefined;
  let organization = false;
  let other = false;
  let authenticated = false;
  let viaUrlOnly = false;
  let urlAuthTypes: string[] | undefined;
  for (const [rawOperator, keys] of Object.entries(statement.Condition ?? {})) {
    const operator = parseOperator(rawOperator);
    if (operator === undefined) continue;
    for (const [rawKey, values] of Object.entries(keys)) {
      const key = rawKey.toLowerCase();
      const fixed = values.length > 0 && values.every((v) => isFixed(v, operator));
      if (key === 'lambda:invokedviafunctionurl') {
        if (values.length > 0 && values.every((v) => v.toLowerCase() === 'true')) viaUrlOnly = true;
      } else if (key === 'lambda:functionurlauthtype') {
        // Only calls through a function URL carry the key.
        viaUrlOnly = true;
        if (fixed) {
          const types = values.map((v) => v.toUpperCase());
          urlAuthTypes = urlAuthTypes ? urlAuthTypes.filter((t) => types.includes(t)) : types;
          if (urlAuthTypes.every((t) => t === 'AWS_IAM')) authenticated = true;
        }
      } else if (ACCOUNT_KEYS.has(key) && fixed) {
        accounts = intersect(accounts, values);
      } else if (ARN_KEYS.has(key)) {
        const fromArns = values.map((v) => arnAccount(v, operator));
        if (fromArns.length > 0 && fromArns.every((a) => a !== undefined)) accounts = intersect(accounts, fromArns);
      } else if (ORG_KEYS.has(key) && fixed) {
        organization = true;
      } else if (ORG_PATH_KEYS.has(key)) {
        if (values.length > 0 && values.every((v) => isFixed(v.split('/')[0] ?? '', operator))) organization = true;
      } else if (OTHER_KEYS.has(key) && fixed) {
        other = true;
      }
    }
  }
  if (accounts !== undefined && accounts.size === 0) return 'never';
  const audience: Audience | undefined =
    accounts !== undefined
      ? { kind: 'accounts', accounts: [...accounts].sort() }
      : organization
        ? { kind: 'organization' }
        : other
          ? { kind: 'restricted' }
          : authenticated
            ? { kind: 'authenticated' }
            : undefined;
  return { ...(audience ? { audience } : {}), viaUrlOnly, ...(urlAuthTypes ? { urlAuthTypes } : {}) };
}

/** The base operator when it can tie a caller down, lower-cased; `undefined` when it cannot. */
function parseOperator(raw: string): string | undefined {
  let op = raw.toLowerCase();
  if (op.startsWith('forallvalues:')) return undefined; // true for a request without the key
  if (op.startsWith('foranyvalue:')) op = op.slice('foranyvalue:'.length);
  if (op.endsWith('ifexists')) return undefined; // true for a request without the key
  return POSITIVE.has(op) ? op : undefined;
}

/** A fixed value: no policy variable, and no wildcard where the operator expands wildcards. */
function isFixed(value: string, operator: string): boolean {
  if (value === '' || value.includes('${')) return false;
  return !(WILDCARD_OPERATORS.has(operator) && /[*?]/.test(value));
}

/** The fixed account field of an ARN value, if it has one. */
function arnAccount(value: string, operator: string): string | undefined {
  if (value.includes('${')) return undefined;
  const account = value.split(':')[4];
  if (account === undefined || account === '') return undefined;
  return isFixed(account, operator) ? account : undefined;
}

function intersect(current: Set<string> | undefined, values: readonly string[]): Set<string> {
  const next = new Set(values);
  return current === undefined ? next : new Set([...current].filter((a) => next.has(a)));
}

/** What messages name of a grant, invoke or read. */
type GrantLike = Pick<Grant, 'sid' | 'principal' | 'audience'>;

/** `Sid (principal P)` for messages: what a finding names from the policy, and nothing more. */
export function describeGrants(grants: readonly GrantLike[]): string {
  return grants
    .map(
      (g) =>
        `${g.sid} (principal ${g.principal}${g.audience.kind === 'unbound-service' ? ', no source condition' : ''})`,
    )
    .join(', ');
}

/** The template variables every exposure finding carries. */
export function grantVars(grants: readonly GrantLike[]): { statements: string; sids: string; principals: string } {
  return {
    statements: describeGrants(grants),
    sids: [...new Set(grants.map((g) => g.sid))].join(', '),
    principals: [...new Set(grants.map((g) => g.principal))].join(', '),
  };
}
