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
    cache.set(key, m);
  }
  return m;
}

/** Whether a resource ARN matches any of the patterns (case-sensitive). */
export function resourceMatcher(patterns: readonly string[], variables: 'any' | 'none'): Matcher {
  const key = `r${variables}\u0000${patterns.join('\u0000')}`;
  let m = cache.get(key);
  if (m === undefined) {
    const usable = variables === 'any' ? patterns : patterns.filter((p) => !hasVariable(p));
    m = build(usable.map(resolveVariables), false);
    cache.set(key, m);
  }
  return m;
}

const cache = new Map<string, Matcher>();

/** Patterns already lower-cased when `lower`; a value is lower-cased before it is tested. */
function build(patterns: readonly string[], lower: boolean): Matcher {
  if (patterns.length === 0) return never;
  if (patterns.includes('*')) return always;
  const exact = new Set(
    patterns.filter((p) => !/[*?]/.test(p)).map((p) => p.replaceAll('\u0001', '*').replaceAll('\u0002', '?')),
  );
  const globs = patterns.filter((p) => /[*?]/.test(p)).map(globToRegExp);
  const regex = globs.length === 0 ? undefined : new RegExp(`^(?:${globs.join('|')})$`, 's');
  return (value) => {
    const v = lower ? value.toLowerCase() : value;
    return exact.has(v) || (regex !== undefined && regex.test(v));
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
