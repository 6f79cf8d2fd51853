/**
 * Representative resources: to ask "is this action allowed on every resource of its type?" the
 * analysis asks the evaluator about a concrete resource under each wildcard pattern that grants
 * it (`*`, or an ARN whose resource part is only wildcards after its type: `table/*`), in the
 * role's partition and account, region `us-east-1` where the pattern leaves it open. A
 * `NotResource` Allow is asked about a resource of the action's type it does not exclude.
 * iam:PassRole needs only some role: every pattern counts, named ones too, unless the statement
 * names roles only and is limited by `iam:PassedToService`.
 */
import { DATA_SERVICES } from './data-actions.js';
import { PROBE_RESOURCES } from './escalation.js';
import type { CompiledStatement } from './evaluate.js';
import { hasVariable, instantiate, segmentMatcher } from './match.js';

/** Where a pattern leaves the region open, the probe's region. */
export const PROBE_REGION = 'us-east-1';
const PROBE = 'lambda-audit-probe';

/** The role's partition and account, and its filled probe templates. */
export interface Scope {
  readonly partition: string;
  readonly account: string;
  /** Probe template -> the probe in this partition and account. */
  readonly probes: Map<string, string>;
}

function fill(template: string, scope: Scope): string {
  let filled = scope.probes.get(template);
  if (filled === undefined) {
    filled = template
      .replace(/\{p\}/g, scope.partition)
      .replace(/\{r\}/g, PROBE_REGION)
      .replace(/\{a\}/g, scope.account)
      .replace(/\{x\}/g, PROBE);
    scope.probes.set(template, filled);
  }
  return filled;
}

/**
 * Pattern shapes (is it broad, a resource under it) repeat across roles: one
 * process-wide memo, emptied when it grows past a bound so a long run cannot fill memory.
 */
const shapes = new Map<string, string>();
const broad = new Map<string, boolean>();

function remember<V>(key: string, value: V, memo: Map<string, V> = shapes as Map<string, V>): void {
  if (memo.size > 100_000) memo.clear();
  memo.set(key, value);
}

const hasWildcard = (s: string): boolean => /[*?]/.test(s) || hasVariable(s);

/** Whether a Resource pattern covers every resource of the action's service (of that type). */
function isBroad(pattern: string, service: string, template: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return false; // a named resource, the common case
  const key = `${pattern}\u0000${service}\u0000${template}`;
  let answer = broad.get(key);
  if (answer === undefined) {
    answer = shapeIsBroad(pattern, service, template);
    remember(key, answer, broad);
  }
  return answer;
}

function shapeIsBroad(pattern: string, service: string, template: string): boolean {
  const segments = pattern.split(':');
  if (segments.length < 6) return pattern.endsWith('*');
  if (!segmentMatcher(segments[2] ?? '')(service)) return false;
  const part = segments.slice(5).join(':');
  const typePrefix = template === '*' ? '' : (template.split(':').slice(5).join(':').split('{x}')[0] ?? '');
  const rest = part.startsWith(typePrefix) ? part.slice(typePrefix.length) : part;
  return /^[*?/:]+$/.test(rest) && rest.includes('*');
}

/** A concrete resource under a pattern, in the role's partition and account where it leaves them open. */
function under(pattern: string, scope: Scope): string {
  const key = `u${pattern}\u0000${scope.partition}\u0000${scope.account}`;
  let resource = shapes.get(key);
  if (resource === undefined) {
    resource = shapeUnder(pattern, scope);
    remember(key, resource);
  }
  return resource;
}

function shapeUnder(pattern: string, scope: Scope): string {
  const segments = pattern.split(':');
  if (segments.length < 6) return instantiate(pattern, PROBE);
  const pick = (segment: string, preferred: string): string =>
    !hasWildcard(segment) ? segment : segmentMatcher(segment)(preferred) ? preferred : instantiate(segment, PROBE);
  segments[1] = pick(segments[1] ?? '', scope.partition);
  segments[3] = pick(segments[3] ?? '', PROBE_REGION);
  segments[4] = pick(segments[4] ?? '', scope.account);
  return segments.map((s, i) => (i >= 5 ? instantiate(s, PROBE) : s)).join(':');
}

/** The resources to ask about for one Allow statement granting `action`. */
export function representatives(s: CompiledStatement, action: string, scope: Scope): string[] {
  const template = PROBE_RESOURCES[action.toLowerCase()] ?? DATA_PROBES.get(action.toLowerCase()) ?? '*';
  const typed = fill(template, scope);
  const { Resource } = s.statement;
  if (Resource === undefined) return s.resource(typed) ? [typed] : [];
  const service = action.split(':')[0] ?? '';
  if (action.toLowerCase() === 'iam:passrole') {
    // On some role: named roles count too, unless only for a named service (iam:PassedToService).
    const named = Resource.every((p) => !hasWildcard(p));
    if (named && s.keys.some((k) => k.toLowerCase() === 'iam:passedtoservice')) return [];
    return Resource.map((p) => (!hasWildcard(p) ? p : s.resource(typed) ? typed : under(p, scope)));
  }
  return broadPatterns(s, action, service, template).map((p) => (s.resource(typed) ? typed : under(p, scope)));
}

/** Statement -> action (lower case) -> its Resource patterns that cover every resource of the action's type. */
const broadByStatement = new WeakMap<CompiledStatement, Map<string, readonly string[]>>();

function broadPatterns(s: CompiledStatement, action: string, service: string, template: string): readonly string[] {
  let byAction = broadByStatement.get(s);
  if (byAction === undefined) {
    byAction = new Map();
    broadByStatement.set(s, byAction);
  }
  const key = action.toLowerCase();
  let patterns = byAction.get(key);
  if (patterns === undefined) {
    patterns = (s.statement.Resource ?? []).filter((p) => isBroad(p, service, template));
    byAction.set(key, patterns);
  }
  return patterns;
}

const DATA_PROBES = new Map(DATA_SERVICES.flatMap((d) => d.actions.map((a) => [a.toLowerCase(), d.probe] as const)));
