/** Turns ajv errors into issues that say where and what was expected. */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean, yamlPath, type IssueCode, type PolicyIssue } from './issues.js';
import type { YamlDocument } from './document.js';

export interface IssueContext {
  readonly file: string;
  readonly doc: YamlDocument;
  /** The package's own policy, validated when it was precompiled (builtin.ts): not again. */
  readonly validatedAs?: 'policy';
}

export function issueAt(
  ctx: IssueContext,
  pointer: string,
  code: IssueCode,
  message: string,
  key = false,
): PolicyIssue {
  const { line, column } = ctx.doc.position(pointer, key);
  return { code, file: ctx.file, line, column, path: yamlPath(pointer), message };
}

export function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Validates `value` (found at `base` in the document) and returns one issue per problem. */
export function schemaIssues(
  ctx: IssueContext,
  validate: ValidateFunction,
  value: unknown,
  base: string,
  unknownKeyCode: IssueCode = 'unknown-key',
): PolicyIssue[] {
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // An anyOf failure repeats what its branches said. When one branch got further (an error deeper
  // in the value), the errors of the other branches at the anyOf's own path are noise.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const deeper = (p: string): boolean => errors.some((e) => e.instancePath.startsWith(`${p}/`));
  const noisy = new Set(anyOfPaths.filter(deeper));
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && !noisy.has(e.instancePath));
  const kept = [
    ...specific,
    ...errors.filter(
      (e) =>
        e.keyword === 'anyOf' && !noisy.has(e.instancePath) && !specific.some((s) => s.instancePath === e.instancePath),
    ),
  ];
  // The branches of a failed anyOf at the same path are one mistake: say it once, with every
  // alternative ("expected one of: off, on, or an object; got false").
  const merged = new Map<string, PolicyIssue>();
  const issues: PolicyIssue[] = [];
  for (const e of kept) {
    const issue = toIssue(ctx, e, value, base, unknownKeyCode);
    if (e.keyword === 'anyOf' || !anyOfPaths.includes(e.instancePath) || !/^(type|enum|const)$/.test(e.keyword)) {
      if (!(e.keyword === 'anyOf' && merged.has(e.instancePath))) issues.push(issue);
      continue;
    }
    const earlier = merged.get(e.instancePath);
    if (!earlier) {
      merged.set(e.instancePath, issue);
      issues.push(issue);
      continue;
    }
    const got = describe(valueAt(value, e.instancePath));
    const strip = (m: string): string => m.replace(/^expected /, '').replace(/[;,] got .*$/, '');
    const combined = {
      ...earlier,
      message: `expected ${strip(earlier.message)}, or ${strip(issue.message)}; got ${got}${hintFor(valueAt(value, e.instancePath), earlier.message + issue.message)}`,
    };
    issues[issues.indexOf(earlier)] = combined;
    merged.set(e.instancePath, combined);
  }
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.column}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toIssue(
  ctx: IssueContext,
  e: ErrorObject,
  root: unknown,
  base: string,
  unknownKeyCode: IssueCode,
): PolicyIssue {
  const pointer = `${base}${e.instancePath}`;
  const got = valueAt(root, e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const expected = allowed.length > 0 ? `; expected one of: ${allowed.join(', ')}` : '';
      return issueAt(
        ctx,
        `${pointer}/${key}`,
        unknownKeyCode,
        `unknown ${unknownKeyCode === 'unknown-operator' ? 'operator' : 'key'} "${key}"${expected}${didYouMean(key, allowed)}`,
        true,
      );
    }
    case 'required':
      return issueAt(ctx, pointer, 'missing-key', `missing required key "${String(params.missingProperty)}"`);
    case 'type':
      return issueAt(ctx, pointer, 'invalid-type', `expected ${article(String(params.type))}, got ${describe(got)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        `expected one of: ${allowed.join(', ')}; got ${describe(got)}${didYouMean(String(got), allowed)}`,
      );
    }
    case 'const':
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        `expected ${JSON.stringify(params.allowedValue)}, got ${describe(got)}`,
      );
    case 'pattern':
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        /\/id$/.test(e.instancePath) || e.instancePath === ''
          ? `expected a kebab-case id such as "runtime-deprecated", got ${describe(got)}`
          : `expected a value matching ${String(params.pattern)}, got ${describe(got)}`,
      );
    case 'format':
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        `expected ${formatHint(String(params.format))}, got ${describe(got)}`,
      );
    case 'minItems':
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        `expected at least ${String(params.limit)} item(s), got ${Array.isArray(got) ? got.length : describe(got)}`,
      );
    case 'minProperties':
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        `expected at least ${String(params.limit)} key(s), got ${got !== null && typeof got === 'object' ? Object.keys(got).length : describe(got)}`,
      );
    case 'minLength':
      return issueAt(
        ctx,
        pointer,
        'invalid-value',
        `expected at least ${String(params.limit)} character(s), got ${describe(got)}`,
      );
    default:
      return issueAt(ctx, pointer, 'invalid-value', `${e.message ?? 'invalid'}; got ${describe(got)}`);
  }
}

/** A boolean where "on"/"off" is expected is the common slip: suggest the word. */
function hintFor(got: unknown, expected: string): string {
  return typeof got === 'boolean' && expected.includes('off, on') ? ` (did you mean "${got ? 'on' : 'off'}"?)` : '';
}

function formatHint(format: string): string {
  return (
    (
      {
        date: 'a date as YYYY-MM-DD',
        uri: 'an absolute URL such as https://docs.aws.amazon.com/...',
        regex: 'a valid regular expression',
      } as Record<string, string>
    )[format] ?? `a ${format}`
  );
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
