/**
 * What an execution role can do, computed once per role from its policies (pure; docs/roles.md):
 * whether it is an administrator, which privilege escalation methods it holds, which services'
 * data it reaches everywhere, who may assume it, and a digest of its permissions for drift.
 *
 * "Allowed on every resource" is asked of the evaluator with representative resources: for each
 * Allow statement that grants the action with a wildcard resource (`*`, or an ARN whose resource
 * part is only wildcards after its type, `table/*`), a concrete resource under that pattern (in
 * the role's partition and account, region `us-east-1` where the pattern leaves it open). The
 * evaluator then weighs every Deny and the boundary against it. A `NotResource` Allow counts as a
 * wildcard grant (it names what it leaves out, and covers everything else).
 */
import { actionMatches } from '../rules/checks/resource-policy.js';
import type { IamManagedPolicy, IamRole, PolicyStatement, UnknownPart } from '../snapshot/types.js';
import { DATA_SERVICES } from './data-actions.js';
import { permissionsDigest } from './digest.js';
import { ESCALATION_METHODS } from './escalation.js';
import {
  compileAll,
  decide,
  serviceOf,
  type CompiledStatement,
  type NamedDocument,
  type StatementRef,
} from './evaluate.js';
import { representatives, type Scope } from './representatives.js';
import { trustGrants, type TrustGrant } from './trust.js';

export interface Escalation {
  /** An `ESCALATION_METHODS` id. */
  readonly method: string;
  /** The statements granting the method's actions, in the method's action order, deduplicated. */
  readonly by: StatementRef[];
  /** Some action is granted only under a condition. */
  readonly conditional: boolean;
}

export interface DataWildcard {
  readonly service: string;
  /** The service's data actions this statement grants on every resource, in table order. */
  readonly actions: string[];
  readonly by: StatementRef;
  readonly conditional: boolean;
}

export interface RoleFacts {
  /** Every action on every resource, after Denies and the boundary. */
  readonly admin?: { readonly conditional: boolean; readonly by: StatementRef };
  /** Empty when `admin`: an administrator needs no escalation. Sorted by method id. */
  readonly escalations: Escalation[];
  /** Empty when `admin`. Sorted by service. */
  readonly dataWildcards: DataWildcard[];
  readonly trust: TrustGrant[];
  /** sha256 (16 hex) of the canonical identity and boundary documents (src/iam/digest.ts). */
  readonly permissions: string;
}

/**
 * `unknown`: a permissions policy or the boundary could not be known; the permission facts are not
 * judged. `trust` is still given when the trust policy itself is known: who may assume a role does
 * not depend on what the role may do.
 */
export type RoleAnalysis = { readonly unknown: UnknownPart; readonly trust?: TrustGrant[] } | RoleFacts;

export function analyseRole(
  role: IamRole,
  managed: (arn: string) => IamManagedPolicy | undefined,
  account: string,
): RoleAnalysis {
  const withTrust = (unknown: UnknownPart): RoleAnalysis =>
    role.unknown?.some((u) => u.path === 'trustPolicy')
      ? { unknown }
      : { unknown, trust: trustGrants(role.trustPolicy, account) };
  const unknown = role.unknown?.find((u) => u.path !== 'trustPolicy') ?? role.unknown?.[0];
  if (unknown !== undefined) return withTrust(unknown);
  const identity: NamedDocument[] = role.inlinePolicies.map((p) => ({
    name: `inline:${p.name}`,
    document: p.document,
  }));
  for (const arn of role.managedPolicies) {
    const policy = managed(arn);
    if (policy === undefined) return withTrust(missing('managedPolicies', arn, account));
    identity.push({ name: arn, document: policy.document });
  }
  let boundary: NamedDocument[] | undefined;
  if (role.permissionsBoundary !== undefined) {
    const policy = managed(role.permissionsBoundary);
    if (policy === undefined) return withTrust(missing('permissionsBoundary', role.permissionsBoundary, account));
    boundary = [{ name: role.permissionsBoundary, document: policy.document }];
  }
  const compiled = compileAll(identity);
  const allows = compiled.filter((s) => s.effect === 'Allow');
  const ctx: Context = {
    partition: /^arn:([\w-]+):/.exec(role.arn)?.[1] ?? 'aws',
    account,
    identity: compiled,
    allows,
    wildAllows: allows.filter((s) => !s.named),
    boundary: boundary && compileAll(boundary),
    grants: new Map(),
    byService: new Map(),
    probes: new Map(),
  };
  const admin = adminOf(ctx.identity, ctx.boundary);
  return {
    ...(admin ? { admin } : {}),
    escalations: admin ? [] : escalations(ctx),
    dataWildcards: admin ? [] : dataWildcards(ctx),
    trust: trustGrants(role.trustPolicy, account),
    permissions: permissionsDigest(
      identity.map((d) => d.document),
      boundary?.map((d) => d.document),
    ),
  };
}

function missing(path: string, arn: string, account: string): UnknownPart {
  const owner = /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1];
  return { path, reason: owner !== undefined && owner !== account ? 'other-account' : 'not-in-input', detail: arn };
}

interface Context extends Scope {
  readonly identity: readonly CompiledStatement[];
  readonly boundary: readonly CompiledStatement[] | undefined;
  /** Action (lower case) -> its grant on every resource, once per role. */
  readonly grants: Map<string, Grant | null>;
  /** The identity Allow statements, and those of them not limited to named resources. */
  readonly allows: readonly CompiledStatement[];
  readonly wildAllows: readonly CompiledStatement[];
  /** Service -> the statements that may cover its actions, once per role. */
  readonly byService: Map<string, Relevant>;
}

interface Relevant {
  readonly identity: readonly CompiledStatement[];
  readonly boundary: readonly CompiledStatement[] | undefined;
}

function relevant(service: string, ctx: Context): Relevant {
  let r = ctx.byService.get(service);
  if (r === undefined) {
    const keep = (s: CompiledStatement): boolean => s.services === 'any' || s.services.has(service);
    r = { identity: ctx.identity.filter(keep), boundary: ctx.boundary?.filter(keep) };
    ctx.byService.set(service, r);
  }
  return r;
}

interface Grant {
  readonly conditional: boolean;
  readonly by: StatementRef;
}

// --- admin -------------------------------------------------------------------------------------

const ALL_ACTIONS = new Set(['*', '*:*']);

function allActions(s: CompiledStatement): boolean {
  const { Action, NotAction } = s.statement;
  return Action !== undefined
    ? Action.some((a) => ALL_ACTIONS.has(a))
    : NotAction !== undefined && NotAction.length === 0;
}

function allResources(s: CompiledStatement): boolean {
  const { Resource, NotResource } = s.statement;
  return Resource !== undefined ? Resource.includes('*') : NotResource !== undefined && NotResource.length === 0;
}

/** A Deny that takes something away: some action (not `NotAction: *`) on some resource. */
function removesSomething(s: CompiledStatement): boolean {
  const { Action, NotAction, Resource, NotResource } = s.statement;
  const actions =
    Action !== undefined ? Action.length > 0 : NotAction !== undefined && !NotAction.some((a) => ALL_ACTIONS.has(a));
  const resources =
    Resource !== undefined ? Resource.length > 0 : NotResource !== undefined && !NotResource.includes('*');
  return actions && resources;
}

/**
 * Admin: an Allow of every action on every resource, no unconditional Deny taking anything away
 * (identity or boundary), and a boundary that is itself admin. A conditional Deny leaves admin
 * standing but conditional, as a conditional Allow does.
 */
function adminOf(
  identity: readonly CompiledStatement[],
  boundary: readonly CompiledStatement[] | undefined,
): { conditional: boolean; by: StatementRef } | undefined {
  const grants = identity.filter((s) => s.effect === 'Allow' && allActions(s) && allResources(s));
  const grant = grants.find((s) => s.keys.length === 0) ?? grants[0];
  if (grant === undefined) return undefined;
  let conditional = grant.keys.length > 0;
  for (const s of [...identity, ...(boundary ?? [])]) {
    if (s.effect !== 'Deny' || !removesSomething(s)) continue;
    if (s.keys.length === 0) return undefined;
    conditional = true;
  }
  if (boundary !== undefined) {
    const capped = adminOf(boundary, undefined);
    if (capped === undefined) return undefined;
    conditional ||= capped.conditional;
  }
  return { conditional, by: grant.ref };
}

/**
 * The action granted on every resource (iam:PassRole: on some role, to one of `passedTo`'s
 * services when given), after Denies and the boundary.
 */
function grantOf(action: string, ctx: Context, passedTo?: readonly string[]): Grant | undefined {
  const key = passedTo === undefined ? action.toLowerCase() : `${action.toLowerCase()}\u0000${passedTo.join(',')}`;
  const memo = ctx.grants.get(key);
  if (memo !== undefined) return memo ?? undefined;
  let best: Grant | undefined;
  const service = serviceOf(action);
  // A grant on named resources only is never "every resource" (iam:PassRole: some role is enough).
  const candidates =
    action.toLowerCase() === 'iam:passrole'
      ? ctx.allows.filter((s) => passedTo === undefined || passesTo(s.statement, passedTo))
      : ctx.wildAllows;
  search: for (const s of candidates) {
    if ((s.services !== 'any' && !s.services.has(service)) || !s.action(action)) continue;
    const { identity, boundary } = relevant(service, ctx);
    for (const resource of representatives(s, action, ctx)) {
      const d = decide({ action, resource }, identity, boundary);
      if (d.kind === 'allowed') {
        best = { conditional: false, by: d.by };
        break search;
      }
      if (d.kind === 'conditional') best ??= { conditional: true, by: d.by };
    }
  }
  ctx.grants.set(key, best ?? null);
  return best;
}

function escalations(ctx: Context): Escalation[] {
  const found: Escalation[] = [];
  for (const method of ESCALATION_METHODS) {
    const grants = method.actions.map((a) => grantOf(a, ctx, a === 'iam:PassRole' ? method.passedTo : undefined));
    if (grants.some((g) => g === undefined)) continue;
    const by = new Map<string, StatementRef>();
    for (const g of grants as Grant[]) by.set(`${g.by.policy}\u0000${g.by.statement}`, g.by);
    found.push({ method: method.id, by: [...by.values()], conditional: grants.some((g) => g?.conditional) });
  }
  return found;
}

function dataWildcards(ctx: Context): DataWildcard[] {
  const found: DataWildcard[] = [];
  for (const data of DATA_SERVICES) {
    const groups = new Map<string, DataWildcard>();
    for (const action of data.actions) {
      const g = grantOf(action, ctx);
      if (g === undefined) continue;
      const key = `${g.by.policy}\u0000${g.by.statement}\u0000${g.conditional}`;
      const group = groups.get(key);
      if (group) group.actions.push(action);
      else groups.set(key, { service: data.service, actions: [action], by: g.by, conditional: g.conditional });
    }
    found.push(...groups.values());
  }
  return found;
}

/**
 * Whether an iam:PassRole statement lets the role be passed to one of `services`: true unless an
 * `iam:PassedToService` condition names other services only (AmazonDynamoDBFullAccess passes
 * roles to application-autoscaling and dax, never to Lambda). Operators as IAM reads them:
 * StringEquals/Like (and IgnoreCase, IfExists, ForAnyValue) allow the values; the negated ones
 * allow everything else.
 */
function passesTo(statement: PolicyStatement, services: readonly string[]): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const values = Object.entries(keys).find(([k]) => k.toLowerCase() === 'iam:passedtoservice')?.[1];
    if (values === undefined) continue;
    const op = operator.replace(/^For(Any|All)Values:/, '').replace(/IfExists$/, '');
    const like = op.endsWith('Like');
    const matches = (service: string): boolean =>
      values.some((v) => (like ? actionMatches(v, service) : v.toLowerCase() === service.toLowerCase()));
    if (/^String(Equals|EqualsIgnoreCase|Like)$/.test(op) && !services.some(matches)) return false;
    if (/^String(NotEquals|NotEqualsIgnoreCase|NotLike)$/.test(op) && services.every(matches)) return false;
  }
  return true;
}
