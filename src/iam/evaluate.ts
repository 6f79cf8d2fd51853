/**
 * Can one principal do action X on resource Y, by its identity-based policies and its permissions
 * boundary? AWS's policy evaluation logic (IAM User Guide, "Policy evaluation logic") for that one
 * principal, over normalised documents (src/snapshot/policy.ts). docs/roles.md explains the model.
 *
 * - An explicit Deny in any identity policy or in the boundary wins.
 * - Otherwise an Allow in some identity policy (inline and managed alike) is needed, and, when the
 *   principal has a boundary, an Allow in the boundary too: the effective permissions are the
 *   intersection ("Permissions boundaries for IAM entities").
 * - A statement applies when its Action/NotAction covers the action and its Resource/NotResource
 *   covers the resource; a statement with neither Resource nor NotResource applies to nothing
 *   (identity statements must have one).
 * - Conditions are not evaluated: request context is not known. An Allow with a Condition grants
 *   only `conditional` (its keys are listed); a Deny with a Condition is treated as not applying.
 *   Both err towards reporting what might be granted, as the exposure rules do.
 * - Policy variables in Resource may match (an Allow's Resource, a Deny's NotResource) and may not
 *   (a Deny's Resource, an Allow's NotResource): again towards "granted" (src/iam/match.ts).
 * Not modelled: SCPs, resource control policies, session policies, the target's resource-based
 * policy (which can grant on its own in the same account).
 */
import type { PolicyDocument, PolicyStatement } from '../snapshot/types.js';
import { actionMatcher, resourceMatcher, type Matcher } from './match.js';

/** A policy document and the name findings cite it by. */
export interface NamedDocument {
  /** The managed policy's ARN, or `inline:<name>` for an inline policy. */
  readonly name: string;
  readonly document: PolicyDocument;
}

/** One statement of one policy. */
export interface StatementRef {
  readonly policy: string;
  /** The statement's Sid, else `#n` (1-based position in the document). */
  readonly statement: string;
}

export type Decision =
  | { readonly kind: 'allowed'; readonly by: StatementRef }
  | { readonly kind: 'conditional'; readonly by: StatementRef; readonly keys: string[] }
  | { readonly kind: 'explicit-deny'; readonly by: StatementRef }
  /** `boundary`: the identity policies allow it, the boundary does not. */
  | { readonly kind: 'implicit-deny'; readonly boundary?: true };

export interface Request {
  readonly action: string;
  readonly resource: string;
}

export interface Policies {
  readonly identity: readonly NamedDocument[];
  /** The permissions boundary; absent when the principal has none (an empty list denies all). */
  readonly boundary?: readonly NamedDocument[];
}

/** A statement ready to be asked: matchers built once (and shared by every role using the policy). */
export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly effect: 'Allow' | 'Deny';
  readonly statement: PolicyStatement;
  readonly action: Matcher;
  /**
   * The service prefixes (lower case) an action must have to be covered, or `any`: a cheap test
   * before the matcher (most statements name one or two services).
   */
  readonly services: ReadonlySet<string> | 'any';
  /** Covers the resource; `never` when the statement has neither Resource nor NotResource. */
  readonly resource: Matcher;
  /** Its resources name no wildcard and no variable (and it has no NotResource): it grants only named resources. */
  readonly named: boolean;
  /** Condition keys, sorted; empty: unconditional. */
  readonly keys: readonly string[];
}

export function evaluateRequest(request: Request, policies: Policies): Decision {
  return decide(request, compileAll(policies.identity), policies.boundary && compileAll(policies.boundary));
}

/** `evaluateRequest` over compiled statements (the analysis compiles once per role). */
export function decide(
  request: Request,
  identity: readonly CompiledStatement[],
  boundary: readonly CompiledStatement[] | undefined,
): Decision {
  const deny = firstDeny(identity, request) ?? (boundary && firstDeny(boundary, request));
  if (deny) return { kind: 'explicit-deny', by: deny.ref };
  const allow = bestAllow(identity, request);
  if (allow === undefined) return { kind: 'implicit-deny' };
  let keys = allow.keys;
  if (boundary !== undefined) {
    const capped = bestAllow(boundary, request);
    if (capped === undefined) return { kind: 'implicit-deny', boundary: true };
    if (capped.keys.length > 0) keys = [...new Set([...keys, ...capped.keys])].sort();
  }
  return keys.length > 0 ? { kind: 'conditional', by: allow.ref, keys: [...keys] } : { kind: 'allowed', by: allow.ref };
}

function applies(s: CompiledStatement, request: Request): boolean {
  return mayCover(s, request.action) && s.action(request.action) && s.resource(request.resource);
}

/** False when the statement cannot cover the action's service; true means "ask the matcher". */
export function mayCover(s: CompiledStatement, action: string): boolean {
  return s.services === 'any' || s.services.has(serviceOf(action));
}

const services = new Map<string, string>();

/** The service prefix of an action, lower case (`s3` of `S3:GetObject`). */
export function serviceOf(action: string): string {
  let service = services.get(action);
  if (service === undefined) {
    const colon = action.indexOf(':');
    service = (colon < 0 ? action : action.slice(0, colon)).toLowerCase();
    if (services.size > 10_000) services.clear();
    services.set(action, service);
  }
  return service;
}

function firstDeny(statements: readonly CompiledStatement[], request: Request): CompiledStatement | undefined {
  return statements.find((s) => s.effect === 'Deny' && s.keys.length === 0 && applies(s, request));
}

/** An unconditional Allow if there is one, else the first conditional one. */
function bestAllow(statements: readonly CompiledStatement[], request: Request): CompiledStatement | undefined {
  let conditional: CompiledStatement | undefined;
  for (const s of statements) {
    if (s.effect !== 'Allow' || !applies(s, request)) continue;
    if (s.keys.length === 0) return s;
    conditional ??= s;
  }
  return conditional;
}

const compiled = new WeakMap<PolicyDocument, Map<string, readonly CompiledStatement[]>>();

export function compileAll(documents: readonly NamedDocument[]): CompiledStatement[] {
  return documents.flatMap(compileDocument);
}

export function compileDocument(named: NamedDocument): readonly CompiledStatement[] {
  let byName = compiled.get(named.document);
  if (byName === undefined) {
    byName = new Map();
    compiled.set(named.document, byName);
  }
  let statements = byName.get(named.name);
  if (statements === undefined) {
    statements = named.document.Statement.map((s, i) =>
      compileStatement(s, { policy: named.name, statement: sid(s, i) }),
    );
    byName.set(named.name, statements);
  }
  return statements;
}

export function sid(statement: PolicyStatement, index: number): string {
  return statement.Sid !== undefined && statement.Sid !== '' ? statement.Sid : `#${index + 1}`;
}

function compileStatement(statement: PolicyStatement, ref: StatementRef): CompiledStatement {
  const allow = statement.Effect === 'Allow';
  return {
    ref,
    effect: statement.Effect,
    statement,
    action: covering(statement.Action, statement.NotAction, (p) => actionMatcher(p)),
    services: servicesOf(statement.Action),
    // Variables: an Allow's Resource and a Deny's NotResource may match; the others may not.
    resource: covering(statement.Resource, statement.NotResource, (p, negated) =>
      resourceMatcher(p, allow !== negated ? 'any' : 'none'),
    ),
    named: statement.Resource !== undefined && !statement.Resource.some(mayBeMany),
    keys: conditionKeys(statement),
  };
}

function covering(
  positive: readonly string[] | undefined,
  negative: readonly string[] | undefined,
  build: (patterns: readonly string[], negated: boolean) => Matcher,
): Matcher {
  if (positive !== undefined) return build(positive, false);
  if (negative !== undefined) {
    const excluded = build(negative, true);
    return (value) => !excluded(value);
  }
  return () => false;
}

/** A resource pattern with a wildcard or a policy variable (an escape such as `${*}` counts too: rare, harmless). */
const mayBeMany = (r: string): boolean => r.includes('*') || r.includes('?') || r.includes('${');

function servicesOf(actions: readonly string[] | undefined): ReadonlySet<string> | 'any' {
  if (actions === undefined) return 'any'; // NotAction: every service but some
  const services = new Set<string>();
  for (const a of actions) {
    const colon = a.indexOf(':');
    const service = colon < 0 ? a : a.slice(0, colon);
    if (colon < 0 || service.includes('*') || service.includes('?')) return 'any';
    services.add(service.toLowerCase());
  }
  return services;
}

export function conditionKeys(statement: PolicyStatement): string[] {
  if (statement.Condition === undefined) return [];
  const keys = Object.values(statement.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
  return [...new Set(keys)].sort();
}
