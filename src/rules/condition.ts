/**
 * Conditions: `all` / `any` / `not` over predicates `{ path, <operator>: value }`. Compiled once to
 * closures, so evaluating 100,000 records does no parsing.
 */
import type { FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { compilePath } from './paths.js';
import { normalisePath, unknownPartFor } from './unknown.js';

export const OPERATORS = [
  'equals',
  'not-equals',
  'in',
  'not-in',
  'exists',
  'absent',
  'empty',
  'regex',
  'glob',
  'contains',
  'gt',
  'ge',
  'lt',
  'le',
  'length',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | ({ readonly path: string } & Partial<Record<Operator, unknown>>);

export type Test = (record: unknown) => boolean;

export function compileCondition(condition: Condition): Test {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    return (r) => parts.every((p) => p(r));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    return (r) => parts.some((p) => p(r));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (r) => !inner(r);
  }
  const get = compilePath(condition.path);
  const multi = condition.path.includes('[*]');
  const operator = OPERATORS.find((op) => op in condition);
  if (operator === undefined) throw new Error(`predicate on ${condition.path} has no operator`);
  const test = compileOperator(operator, condition[operator]);
  // Through `[*]` a path yields a list: the predicate holds when any element satisfies it, except
  // for the operators that are about the list itself.
  if (multi && !['exists', 'absent', 'empty', 'length', 'contains'].includes(operator)) {
    return (r) => (get(r) as unknown[]).some((v) => test(v));
  }
  return (r) => test(get(r));
}

/**
 * Operators about a value's presence, not its content: a map some of whose values are unknown (a
 * template's environment with one `!Ref` value) is still there and not empty.
 */
const SHAPE_OPERATORS: ReadonlySet<Operator> = new Set(['exists', 'absent', 'empty']);

/** Kleene's three values: true, false, or the unknown part the answer depends on. */
export type Truth = boolean | UnknownPart;

/**
 * The same condition in three-valued logic, for records with unknown parts: a predicate on an
 * unknown path is unknown; `all` is false if any part is false, `any` true if any part is true,
 * and otherwise unknown when a part is. So `any: [DLQ set, destination set]` is still decided by a
 * DLQ that is known, however unknown the destination.
 */
export function compileCondition3(condition: Condition): (record: FunctionRecord) => Truth {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition3);
    return (r) => {
      let unknown: UnknownPart | undefined;
      for (const p of parts) {
        const t = p(r);
        if (t === false) return false;
        if (t !== true) unknown ??= t;
      }
      return unknown ?? true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition3);
    return (r) => {
      let unknown: UnknownPart | undefined;
      for (const p of parts) {
        const t = p(r);
        if (t === true) return true;
        if (t !== false) unknown ??= t;
      }
      return unknown ?? false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition3(condition.not);
    return (r) => {
      const t = inner(r);
      return typeof t === 'boolean' ? !t : t;
    };
  }
  const path = normalisePath(condition.path);
  const known = compileCondition(condition);
  const operator = OPERATORS.find((op) => op in condition);
  if (operator === undefined || !SHAPE_OPERATORS.has(operator) || condition.path.includes('[*]'))
    return (r) => unknownPartFor(r, path) ?? known(r);
  const arg = condition[operator];
  return (r) => {
    const part = unknownPartFor(r, path);
    if (part === undefined) return known(r);
    // Unknown at or above the path: nothing is known about it.
    const above = unknownPartFor(r, path, { shapeOnly: true });
    if (above !== undefined) return above;
    // Only values below it are unknown (an environment variable whose value is a `!Ref`): the map
    // is there and holds that key, whatever the value.
    if (operator === 'exists') return arg === true;
    if (operator === 'absent') return arg === false;
    if (operator === 'empty') return arg === false;
    return part;
  };
}

function compileOperator(operator: Operator, arg: unknown): (value: unknown) => boolean {
  switch (operator) {
    case 'equals':
      return (v) => equal(v, arg);
    case 'not-equals':
      return (v) => !equal(v, arg);
    case 'in': {
      const set = arg as unknown[];
      return (v) => set.some((a) => equal(v, a));
    }
    case 'not-in': {
      const set = arg as unknown[];
      return (v) => !set.some((a) => equal(v, a));
    }
    case 'exists':
      return (v) => present(v) === arg;
    case 'absent':
      return (v) => !present(v) === arg;
    case 'empty':
      return (v) => isEmpty(v) === arg;
    case 'regex': {
      const re = new RegExp(arg as string);
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'glob': {
      const re = globToRegExp(arg as string);
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'contains':
      return (v) =>
        Array.isArray(v)
          ? v.some((x) => equal(x, arg))
          : typeof v === 'string' && typeof arg === 'string' && v.includes(arg);
    case 'gt':
      return (v) => typeof v === 'number' && v > (arg as number);
    case 'ge':
      return (v) => typeof v === 'number' && v >= (arg as number);
    case 'lt':
      return (v) => typeof v === 'number' && v < (arg as number);
    case 'le':
      return (v) => typeof v === 'number' && v <= (arg as number);
    case 'length': {
      const [op, n] = Object.entries(arg as Record<string, number>)[0] ?? ['equals', 0];
      const cmp = compileOperator(op as Operator, n);
      return (v) => cmp(lengthOf(v));
    }
  }
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function lengthOf(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  return 0;
}

function equal(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}
