/**
 * IAM wildcard matching, compiled once per pattern list and cached: the role analysis asks the
 * same few hundred patterns tens of thousands of questions, so a pattern is never turned into a
 * regular expression twice (resource-policy.ts's `actionMatches` builds one per call, which is
 * fine for one function policy and too slow for 10,000 roles).
 *
 * - Actions: `*` and `?`, case-insensitive (IAM JSON policy elements: Action).
 * - Resources: `*` and `?`, case-sensitive, and a `*` crosses `:` and `/` (IAM JSON policy
 *   elements: Resource, "Using wildcards in resource ARNs").
 * - Policy variables (`${aws:username}`) in a resource are unknown until a request is made. A
 *   matcher built for `variables: 'any'` treats one as a wildcard (it may match); one built for
 *   `variables: 'none'` drops every pattern holding one (it may not). Callers choose so that the
 *   answer errs towards "granted" (src/iam/evaluate.ts). `${*}`, `${?}` and `${$}` are the escaped
 *   characters IAM defines, never variables.
 */

export type Matcher = (value: string) => boolean;

const never: Matcher = () => false;
const always: Matcher = () => true;

/** Whether an action matches any of the patterns (case-insensitive). */
export function actionMatcher(patterns: readonly string[]): Matcher {
  const key = `a\u0000${patterns.join('\u0000')}`;
  let m = cache.get(key);
  if (m === undefined) {
    m = build(
      patterns.map((p) => p.toLowerCase()),
      true,
    );
    remember(key, m);
  }
  return m;
}

/**
 * Whether a resource ARN matches any of the patterns (case-sensitive). Not cached by content:
 * resource lists are mostly unique (they name the function's own table, bucket, queue), and the
 * compiled statement that holds the matcher is itself cached per document.
 */
export function resourceMatcher(patterns: readonly string[], variables: 'any' | 'none'): Matcher {
  const usable = variables === 'any' ? patterns : patterns.filter((p) => !hasVariable(p));
  return build(usable.map(resolveVariables), false);
}

/** A single ARN segment pattern (`*`, `us-*`), cached: the same few recur in every role. */
export function segmentMatcher(pattern: string): Matcher {
  const key = `s\u0000${pattern}`;
  let m = cache.get(key);
  if (m === undefined) {
    m = build([resolveVariables(pattern)], false);
    remember(key, m);
  }
  return m;
}

/** Pattern lists -> matchers, process-wide; emptied past a bound so a long run cannot fill memory. */
const cache = new Map<string, Matcher>();

function remember(key: string, m: Matcher): void {
  if (cache.size > 100_000) cache.clear();
  cache.set(key, m);
}

const literal = (p: string): string => p.replaceAll('\u0001', '*').replaceAll('\u0002', '?');

/**
 * Patterns already lower-cased when `lower`; a value is lower-cased before it is tested. Exact
 * names and `prefix*` (most patterns) are tested without a regular expression.
 */
function build(patterns: readonly string[], lower: boolean): Matcher {
  if (patterns.length === 0) return never;
  if (patterns.includes('*')) return always;
  const exact: string[] = [];
  const prefixes: string[] = [];
  const globs: string[] = [];
  for (const p of patterns) {
    const star = p.indexOf('*');
    const question = p.indexOf('?');
    const wildcard = star < 0 ? question : question < 0 ? star : Math.min(star, question);
    if (wildcard < 0) exact.push(literal(p));
    else if (wildcard === p.length - 1 && p.endsWith('*')) prefixes.push(literal(p.slice(0, -1)));
    else globs.push(globToRegExp(p));
  }
  const regex = globs.length === 0 ? undefined : new RegExp(`^(?:${globs.join('|')})$`, 's');
  return (value) => {
    const v = lower ? value.toLowerCase() : value;
    for (const e of exact) if (v === e) return true;
    for (const p of prefixes) if (v.startsWith(p)) return true;
    return regex !== undefined && regex.test(v);
  };
}

/** Escaped and wildcard characters kept apart: `\u0001` stands for a literal `*`, `\u0002` for `?`. */
function globToRegExp(pattern: string): string {
  return pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
    .replaceAll('\u0001', '\\*')
    .replaceAll('\u0002', '\\?');
}

const VARIABLE = /\$\{([^}]*)\}/g;

export function hasVariable(pattern: string): boolean {
  if (!pattern.includes('${')) return false;
  for (const m of pattern.matchAll(VARIABLE)) if (!['*', '?', '$'].includes(m[1] ?? '')) return true;
  return false;
}

/** `${*}` -> a literal `*` (kept apart from wildcards), any other variable -> `*`. */
function resolveVariables(pattern: string): string {
  if (!pattern.includes('${')) return pattern;
  return pattern.replace(VARIABLE, (_, name: string) =>
    name === '*' ? '\u0001' : name === '?' ? '\u0002' : name === '$' ? '$' : '*',
  );
}

/** A concrete resource under a pattern: every wildcard and variable filled with `probe`. */
export function instantiate(pattern: string, probe: string): string {
  return pattern
    .replace(VARIABLE, (_, name: string) =>
      name === '*' ? '\u0001' : name === '?' ? '\u0002' : name === '$' ? '$' : probe,
    )
    .replace(/\*/g, probe)
    .replace(/\?/g, 'x')
    .replaceAll('\u0001', '*')
    .replaceAll('\u0002', '?');
}
