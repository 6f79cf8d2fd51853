/**
 * A policy file: validated (structure with ajv, then paths, checks, options and templates), then
 * compiled into rules. Validation collects every problem in the file before giving up.
 */
import { complianceRefs } from '../rules/compliance.js';
import { ALIAS_CHECKS, checks, type AnyCheck } from '../rules/checks/index.js';
import { globToRegExp, OPERATORS, type Condition } from '../rules/condition.js';
import { checkPath, compilePath, isSecretPath } from '../rules/paths.js';
import {
  Combined,
  NotJudged,
  type CheckEnv,
  type CompiledRule,
  type MatchVars,
  type RuleMeta,
  type Severity,
} from '../rules/types.js';
import { hasUnknownParts, normalisePath, unknownPartFor } from '../rules/unknown.js';
import { fleetOf } from '../rules/fleet.js';
import type { FunctionRecord } from '../snapshot/types.js';
import { compileCondition, compileCondition3 } from '../rules/condition.js';
import { didYouMean, type PolicyIssue } from './issues.js';
import { issueAt, schemaIssues, type IssueContext } from './schema-issues.js';
import { conditionSchemas, policyFileSchema, validatorFor } from './schemas.js';

interface ScopeDef {
  readonly regions?: readonly string[];
  readonly accounts?: readonly string[];
  readonly functions?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** A rule as written in a policy file: the rule's metadata (less where it came from), plus what it tests. */
export interface RuleDef extends Omit<RuleMeta, 'source' | 'compliance'> {
  /** Framework id to control id(s); see src/rules/compliance.ts. */
  readonly compliance?: Readonly<Record<string, string | readonly string[]>>;
  readonly scope?: ScopeDef & { readonly exclude?: ScopeDef };
  readonly condition?: Condition;
  readonly check?: string;
  readonly options?: Record<string, unknown>;
  readonly message: string;
}

/** Fields every message may name, besides record paths and a check's own variables. */
const BASE_VARS = ['name', 'arn', 'region', 'account', 'qualifier'];

export function validatePolicyDocument(ctx: IssueContext): { rules: RuleDef[]; issues: PolicyIssue[] } {
  const value = ctx.doc.value;
  if (ctx.validatedAs === 'policy') return { rules: (value as { rules: RuleDef[] }).rules, issues: [] };
  const issues = schemaIssues(ctx, validatorFor(policyFileSchema), value, '');
  const rules = Array.isArray((value as { rules?: unknown } | null)?.rules)
    ? ((value as { rules: unknown[] }).rules as RuleDef[])
    : [];
  rules.forEach((rule, i) => {
    if (rule === null || typeof rule !== 'object') return;
    const base = `/rules/${i}`;
    if (rule.condition !== undefined && rule.check !== undefined) {
      issues.push(
        issueAt(
          ctx,
          `${base}/check`,
          'check-and-condition',
          'a rule has either a condition or a check, not both',
          true,
        ),
      );
    } else if (rule.condition === undefined && rule.check === undefined) {
      issues.push(
        issueAt(
          ctx,
          base,
          'missing-key',
          `missing "condition" or "check": a rule needs one (checks: ${Object.keys(checks).join(', ')})`,
        ),
      );
    }
    if (rule.condition !== undefined && typeof rule.condition === 'object')
      for (const issue of conditionIssues(ctx, rule.condition, `${base}/condition`)) issues.push(issue);
    let check: AnyCheck | undefined;
    if (typeof rule.check === 'string') {
      check = (checks as Record<string, AnyCheck>)[rule.check];
      if (!check)
        issues.push(
          issueAt(
            ctx,
            `${base}/check`,
            'unknown-check',
            `unknown check "${rule.check}"; expected one of: ${Object.keys(checks).join(', ')}${didYouMean(rule.check, Object.keys(checks))}`,
          ),
        );
    }
    if (rule.options !== undefined) {
      if (!check) {
        if (rule.check === undefined)
          issues.push(
            issueAt(ctx, `${base}/options`, 'invalid-options', 'options only apply to a rule with a check', true),
          );
      } else {
        for (const issue of optionIssues(ctx, check, rule.options, `${base}/options`)) issues.push(issue);
      }
    }
    // With an unknown check, the placeholders it would provide cannot be judged: one mistake, one message.
    const unknownCheck = typeof rule.check === 'string' && !check;
    if (typeof rule.message === 'string' && !unknownCheck)
      for (const issue of templateIssues(ctx, rule.message, check, `${base}/message`)) issues.push(issue);
  });
  return { rules, issues };
}

export function optionIssues(ctx: IssueContext, check: AnyCheck, options: unknown, pointer: string): PolicyIssue[] {
  return schemaIssues(ctx, validatorFor(check.meta.optionsSchema), options, pointer).map((i) => ({
    ...i,
    code: 'invalid-options' as const,
  }));
}

function conditionIssues(ctx: IssueContext, node: unknown, pointer: string): PolicyIssue[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    return [
      issueAt(
        ctx,
        pointer,
        'invalid-type',
        'expected a condition: {all: [...]}, {any: [...]}, {not: ...} or {path: ..., <operator>: ...}',
      ),
    ];
  }
  const keys = Object.keys(node);
  const kind = (['all', 'any', 'not'] as const).find((k) => k in node) ?? ('path' in node ? 'predicate' : undefined);
  if (kind === undefined) {
    const first = keys[0] ?? '';
    return [
      issueAt(
        ctx,
        `${pointer}/${first}`,
        'unknown-key',
        `unknown key "${first}"; a condition starts with all, any, not or path${didYouMean(first, ['all', 'any', 'not', 'path'])}`,
        true,
      ),
    ];
  }
  if (kind !== 'predicate') {
    const issues = schemaIssues(ctx, validatorFor(conditionSchemas[kind]), node, pointer);
    const children = (node as Record<string, unknown>)[kind];
    if (kind === 'not') return [...issues, ...conditionIssues(ctx, children, `${pointer}/not`)];
    if (Array.isArray(children))
      children.forEach((child, i) => {
        for (const issue of conditionIssues(ctx, child, `${pointer}/${kind}/${i}`)) issues.push(issue);
      });
    return issues;
  }
  const issues = schemaIssues(ctx, validatorFor(conditionSchemas.predicate), node, pointer, 'unknown-operator');
  const operators = keys.filter((k) => k !== 'path');
  const known = operators.filter((k) => (OPERATORS as readonly string[]).includes(k));
  if (operators.length === 0)
    issues.push(
      issueAt(ctx, pointer, 'operator-count', `missing an operator; expected one of: ${OPERATORS.join(', ')}`),
    );
  else if (known.length > 1)
    issues.push(
      issueAt(
        ctx,
        `${pointer}/${known[1] ?? ''}`,
        'operator-count',
        `a predicate takes exactly one operator, got ${known.join(' and ')}; combine predicates with all/any`,
        true,
      ),
    );
  const path = (node as { path?: unknown }).path;
  if (typeof path === 'string') {
    const check = checkPath(path);
    if (!check.ok) {
      const where = check.at === '' ? 'a record' : check.at;
      const expected =
        check.expected.length > 0
          ? `; expected one of: ${check.expected.slice(0, 12).join(', ')}${check.expected.length > 12 ? ', ...' : ''}`
          : ` (${where} has no keys)`;
      issues.push(
        issueAt(
          ctx,
          `${pointer}/path`,
          'unknown-path',
          `no snapshot record has the path "${path}": "${check.got}" is not a key of ${where}${expected}${didYouMean(check.got, check.expected)}`,
        ),
      );
    }
  }
  return issues;
}

function templateIssues(
  ctx: IssueContext,
  template: string,
  check: AnyCheck | undefined,
  pointer: string,
): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const vars = [...BASE_VARS, ...(check?.meta.vars ?? [])];
  for (const [, name = ''] of template.matchAll(/\{([^{}]*)\}/g)) {
    if (vars.includes(name)) continue;
    if (isSecretPath(name)) {
      issues.push(
        issueAt(
          ctx,
          pointer,
          'secret-in-template',
          `the message names "${name}": environment variables never appear in messages`,
        ),
      );
    } else if (!checkPath(name).ok) {
      issues.push(
        issueAt(
          ctx,
          pointer,
          'invalid-template',
          `the message names "{${name}}", which is neither a record path nor one of: ${vars.join(', ')}${didYouMean(name, vars)}`,
        ),
      );
    }
  }
  return issues;
}

/** Compiles a validated rule. `severity` and `options` may be overridden by the user's config. */
export function compileRule(
  def: RuleDef,
  source: string,
  env: CheckEnv,
  override: { severity?: Severity; options?: Record<string, unknown> } = {},
): CompiledRule {
  const meta: RuleMeta = {
    id: def.id,
    title: def.title,
    severity: override.severity ?? def.severity,
    description: def.description,
    remediation: def.remediation,
    docs: def.docs,
    source,
    ...(def.compliance === undefined ? {} : { compliance: complianceRefs(def.compliance) }),
  };
  let test: CompiledRule['test'];
  let combines = false;
  if (def.check !== undefined) {
    const check = (checks as Record<string, AnyCheck>)[def.check];
    if (!check) throw new Error(`unknown check ${def.check}`);
    const fn = check.create({ ...check.meta.defaults, ...def.options, ...override.options }, env);
    const reads = check.meta.reads.map(normalisePath);
    combines = check.meta.combines === true;
    test = (record, fleet = fleetOf([record])) => {
      if (hasUnknownParts(record)) {
        for (const path of reads) {
          const part = unknownPartFor(record, path);
          if (part) return new NotJudged(part);
        }
      }
      return fn(record, fleet);
    };
  } else {
    const condition = compileCondition(def.condition as Condition);
    const condition3 = compileCondition3(def.condition as Condition);
    test = (record) => {
      if (!hasUnknownParts(record)) return condition(record) ? EMPTY : undefined;
      const t = condition3(record);
      return t === true ? EMPTY : t === false ? undefined : new NotJudged(t);
    };
  }
  const scope = compileScope(def.scope);
  // An alias record holds the alias's policy and URL only: only the checks that read those judge it.
  const aliasJudged = def.check !== undefined && ALIAS_CHECKS.has(def.check);
  const inScope = (record: FunctionRecord): boolean =>
    (record.source !== 'ListAliases' || aliasJudged) && scope(record);
  return { ...meta, inScope, test, message: compileTemplate(def.message), ...(combines ? { combines } : {}) };
}

const EMPTY: MatchVars = Object.freeze({});

function compileScope(scope: RuleDef['scope']): (record: FunctionRecord) => boolean {
  if (!scope) return () => true;
  const include = scopeMatcher(scope, true);
  const exclude = scope.exclude ? scopeMatcher(scope.exclude, false) : () => false;
  return (r) => include(r) && !exclude(r);
}

/** All given fields must match; with `emptyIs` for a scope that names nothing. */
function scopeMatcher(scope: ScopeDef, emptyIs: boolean): (record: FunctionRecord) => boolean {
  const tests: ((r: FunctionRecord) => boolean)[] = [];
  if (scope.regions) {
    const set = new Set(scope.regions);
    tests.push((r) => set.has(r.region));
  }
  if (scope.accounts) {
    const set = new Set(scope.accounts);
    tests.push((r) => set.has(r.account));
  }
  if (scope.functions) {
    const globs = scope.functions.map(globToRegExp);
    tests.push((r) => globs.some((g) => g.test(r.name) || g.test(r.arn)));
  }
  if (scope.tags) {
    const tags = Object.entries(scope.tags).map(([k, v]) => [k, globToRegExp(v)] as const);
    tests.push((r) => tags.every(([k, g]) => r.tags?.[k] !== undefined && g.test(r.tags[k])));
  }
  if (tests.length === 0) return () => emptyIs;
  return (r) => tests.every((t) => t(r));
}

function compileTemplate(template: string): CompiledRule['message'] {
  const parts = template.split(/(\{[^{}]*\})/);
  const compiled = parts.map((part) => {
    const m = /^\{([^{}]*)\}$/.exec(part);
    if (!m) return () => part;
    const name = m[1] ?? '';
    const get = compilePath(name);
    const path = normalisePath(name);
    return (record: FunctionRecord, vars: MatchVars): string => {
      if (name in vars) return String(vars[name]);
      const value = get(record);
      // A value known only at deploy (the VpcId Lambda derives from known subnets) is not "none".
      if ((value === undefined || value === null) && record.unknown !== undefined) {
        const part = unknownPartFor(record, path, { shapeOnly: true });
        if (part?.path === path) return `(unknown: ${part.reason})`;
      }
      if (value === undefined || value === null) return '(none)';
      return Array.isArray(value) ? value.map((v) => scalarText(v)).join(', ') : scalarText(value);
    };
  });
  return (record, verdict) => {
    const vars = verdict instanceof Combined ? verdict.vars : verdict;
    return compiled.map((c) => c(record, vars)).join('');
  };
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '(none)';
}
