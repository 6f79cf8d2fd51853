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
 * - A Deny cancels an Allow only when it is unconditional, has a `Principal` (not `NotPrincipal`)
 *   holding `*` or the same principal, and covers the action. `Resource` is ignored: a function's
 *   policy only ever names that function.
 */
import type { PolicyStatement, ResourcePolicy } from '../../snapshot/types.js';

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
  | { readonly kind: 'public' | 'unbound-service' | 'authenticated' | 'organization' | 'restricted' }
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

/** Every principal that an Allow statement lets invoke the function, after unconditional Denies. */
export function invokeGrants(policy: ResourcePolicy | null | undefined): Grant[] {
  const statements = policy?.Statement ?? [];
  const denies = statements.filter(
    (s) => s.Effect === 'Deny' && s.Condition === undefined && s.NotPrincipal === undefined && s.Principal,
  );
  const grants: Grant[] = [];
  statements.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const invokeAction = coversAction(statement, INVOKE_FUNCTION);
    const urlAction = coversAction(statement, INVOKE_FUNCTION_URL);
    if (!invokeAction && !urlAction) return;
    const ties = conditionTies(statement);
    if (ties === 'never') return;
    const sid = statement.Sid !== undefined && statement.Sid !== '' ? statement.Sid : `statement #${index + 1}`;
    for (const principal of principalsOf(statement)) {
      const denied = (action: string): boolean =>
        denies.some((d) => coversAction(d, action) && deniesPrincipal(d, principal));
      const url = urlAction && !denied(INVOKE_FUNCTION_URL);
      const invoke = invokeAction && !denied(INVOKE_FUNCTION);
      if (!url && !invoke) continue;
      grants.push({
        sid,
        principal: principal.value,
        invoke: invoke && !ties.viaUrlOnly,
        url,
        viaUrlOnly: ties.viaUrlOnly,
        ...(ties.urlAuthTypes ? { urlAuthTypes: ties.urlAuthTypes } : {}),
        audience: audienceOf(principal, ties),
      });
    }
  });
  return grants;
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

function deniesPrincipal(deny: PolicyStatement, principal: Principal): boolean {
  const key = principalKey(principal.value);
  return Object.values(deny.Principal ?? {}).some((values) => values.some((v) => v === '*' || principalKey(v) === key));
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

/** `Sid (principal P)` for messages: what a finding names from the policy, and nothing more. */
export function describeGrants(grants: readonly Grant[]): string {
  return grants
    .map(
      (g) =>
        `${g.sid} (principal ${g.principal}${g.audience.kind === 'unbound-service' ? ', no source condition' : ''})`,
    )
    .join(', ');
}

/** The template variables every exposure finding carries. */
export function grantVars(grants: readonly Grant[]): { statements: string; sids: string; principals: string } {
  return {
    statements: describeGrants(grants),
    sids: [...new Set(grants.map((g) => g.sid))].join(', '),
    principals: [...new Set(grants.map((g) => g.principal))].join(', '),
  };
}
