/**
 * Loading what the user (and the package) wrote: policy files, the user's config, suppressions,
 * and the runtime lifecycle data. Every problem becomes a PolicyIssue; any issue stops the run
 * with exit 2 before anything is crawled.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { checks, type AnyCheck } from '../rules/checks/index.js';
import { withBuiltinCompliance } from '../rules/compliance.js';
import type { CheckEnv, CompiledRule, RuntimeLifecycle, Severity } from '../rules/types.js';
import { didYouMean, PolicyValidationError, type PolicyIssue } from './issues.js';
import { compileRule, optionIssues, validatePolicyDocument, type RuleDef } from './policy-file.js';
import { issueAt, schemaIssues, type IssueContext } from './schema-issues.js';
import { configFileSchema, validatorFor } from './schemas.js';
import { validateSuppressionsDocument, type Suppression } from './suppressions.js';
import { parseYaml, YamlSyntaxError } from './yaml.js';

export const POLICIES_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));
export const BUILTIN_POLICY = `${POLICIES_DIR}lambda.yaml`;
export const LIFECYCLE_FILE = `${POLICIES_DIR}runtimes.yaml`;

/**
 * Reads a YAML file. `file` is read relative to `cwd` but reported as given, so messages (and
 * reports naming a suppression's `file:line`) show the path the user typed.
 */
export async function readDocument(file: string, cwd = process.cwd()): Promise<IssueContext> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PolicyValidationError([
      { code: 'unreadable', file, line: 1, column: 1, path: '', message: `cannot read the file (${code})` },
    ]);
  }
  try {
    return { file, doc: parseYaml(text, file) };
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new PolicyValidationError([
        { code: 'yaml-syntax', file, ...error.position, path: '', message: `invalid YAML: ${error.reason}` },
      ]);
    }
    throw error;
  }
}

export type FileKind = 'policy' | 'suppressions' | 'config';

export function detectKind(value: unknown): FileKind | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if ('suppressions' in value) return 'suppressions';
  if (!('rules' in value)) return undefined;
  const rules = (value as { rules?: unknown }).rules;
  // A rules mapping (id -> setting) is a config; anything else under rules is a policy, so a
  // wrong type there is reported as such.
  return rules !== null && typeof rules === 'object' && !Array.isArray(rules) ? 'config' : 'policy';
}

export async function loadLifecycle(file = LIFECYCLE_FILE): Promise<Map<string, RuntimeLifecycle>> {
  const data = load(await readFile(file, 'utf8')) as { runtimes?: RuntimeLifecycle[] };
  if (!Array.isArray(data.runtimes))
    throw new PolicyValidationError([
      { code: 'missing-key', file, line: 1, column: 1, path: '', message: 'missing "runtimes" list' },
    ]);
  return new Map(data.runtimes.map((r) => [r.id, r]));
}

export interface RuleSetOptions {
  readonly policyFiles?: readonly string[];
  /** @default true */
  readonly builtin?: boolean;
  readonly configFile?: string;
  readonly asOf: Date;
  /** Relative paths are read from here. @default process.cwd() */
  readonly cwd?: string;
}

interface ConfigEntry {
  readonly enabled: boolean;
  readonly severity?: Severity;
  readonly options?: Record<string, unknown>;
}

export interface PolicyDef {
  readonly def: RuleDef;
  readonly file: string;
}

/** Validates read policy files together: each file's own checks, then rule ids unique across them. */
export function validatePolicies(contexts: readonly IssueContext[]): { defs: PolicyDef[]; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const defs: (PolicyDef & { ctx: IssueContext; index: number })[] = [];
  for (const ctx of contexts) {
    const result = validatePolicyDocument(ctx);
    issues.push(...result.issues);
    result.rules.forEach((def, index) => defs.push({ def, file: ctx.file, ctx, index }));
  }
  const seen = new Map<string, string>();
  for (const { def, ctx, index } of defs) {
    if (typeof def?.id !== 'string') continue;
    const first = seen.get(def.id);
    if (first !== undefined)
      issues.push(
        issueAt(ctx, `/rules/${index}/id`, 'duplicate-id', `rule id "${def.id}" is already defined at ${first}`),
      );
    else seen.set(def.id, `${ctx.file}:${ctx.doc.position(`/rules/${index}`).line}`);
  }
  return { defs, issues };
}

/** The problems in a config file, judged against the rules it configures. */
export function configIssues(ctx: IssueContext, defs: readonly PolicyDef[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  loadConfig(ctx, new Map(defs.map((d) => [d.def.id, d.def])), issues);
  return issues;
}

export async function loadRuleSet(options: RuleSetOptions): Promise<CompiledRule[]> {
  const files = [...(options.builtin === false ? [] : [BUILTIN_POLICY]), ...(options.policyFiles ?? [])];
  const contexts: IssueContext[] = [];
  for (const file of files) contexts.push(await readDocument(file, options.cwd));
  const { defs, issues } = validatePolicies(contexts);
  const config =
    options.configFile === undefined
      ? new Map<string, ConfigEntry>()
      : loadConfig(
          await readDocument(options.configFile, options.cwd),
          new Map(defs.map((d) => [d.def.id, d.def])),
          issues,
        );
  if (issues.length > 0) throw new PolicyValidationError(issues);
  const env: CheckEnv = { asOf: options.asOf, lifecycle: await loadLifecycle() };
  return defs
    .filter(({ def }) => config.get(def.id)?.enabled !== false)
    .map(({ def, file }) => {
      const entry = config.get(def.id);
      const rule = compileRule(def, file, env, {
        ...(entry?.severity ? { severity: entry.severity } : {}),
        ...(entry?.options ? { options: entry.options } : {}),
      });
      // The package's own packs (policies/) take the built-in mappings; user policies declare theirs.
      return file.startsWith(POLICIES_DIR) ? withBuiltinCompliance(rule) : rule;
    });
}

function loadConfig(
  ctx: IssueContext,
  rules: ReadonlyMap<string, RuleDef>,
  issues: PolicyIssue[],
): Map<string, ConfigEntry> {
  issues.push(...schemaIssues(ctx, validatorFor(configFileSchema), ctx.doc.value, ''));
  const entries = new Map<string, ConfigEntry>();
  const raw = (ctx.doc.value as { rules?: Record<string, unknown> } | null)?.rules ?? {};
  for (const [id, value] of Object.entries(raw)) {
    const pointer = `/rules/${id}`;
    const rule = rules.get(id);
    if (!rule) {
      issues.push(
        issueAt(ctx, pointer, 'unknown-rule', `no rule has the id "${id}"${didYouMean(id, rules.keys())}`, true),
      );
      continue;
    }
    if (value === 'off' || value === 'on') {
      entries.set(id, { enabled: value === 'on' });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const entry = value as { enabled?: boolean; severity?: Severity; options?: Record<string, unknown> };
    if (entry.options !== undefined) {
      const check = rule.check === undefined ? undefined : (checks as Record<string, AnyCheck>)[rule.check];
      if (!check)
        issues.push(
          issueAt(
            ctx,
            `${pointer}/options`,
            'invalid-options',
            `rule "${id}" is a condition, not a check: it takes no options`,
            true,
          ),
        );
      else issues.push(...optionIssues(ctx, check, entry.options, `${pointer}/options`));
    }
    entries.set(id, {
      enabled: entry.enabled ?? true,
      ...(entry.severity ? { severity: entry.severity } : {}),
      ...(entry.options ? { options: { ...rule.options, ...entry.options } } : {}),
    });
  }
  return entries;
}

export async function loadSuppressions(
  file: string,
  ruleIds: ReadonlySet<string>,
  cwd?: string,
): Promise<Suppression[]> {
  const ctx = await readDocument(file, cwd);
  const { suppressions, issues } = validateSuppressionsDocument(ctx, ruleIds);
  if (issues.length > 0) throw new PolicyValidationError(issues);
  return suppressions;
}
