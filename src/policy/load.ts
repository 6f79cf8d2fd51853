/**
 * Loading what the user (and the package) wrote: policy files, the user's config, suppressions,
 * and the runtime lifecycle data. Every problem becomes a PolicyIssue; any issue stops the run
 * with exit 2 before anything is crawled.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineColumn } from '../json.js';
import { checks, type AnyCheck } from '../rules/checks/index.js';
import { withBuiltinCompliance } from '../rules/compliance.js';
import type { CheckEnv, CompiledRule, RuntimeLifecycle, Severity } from '../rules/types.js';
import { didYouMean, PolicyValidationError, type PolicyIssue } from './issues.js';
import { compileRule, optionIssues, validatePolicyDocument, type RuleDef } from './policy-file.js';
import { issueAt, schemaIssues, type IssueContext } from './schema-issues.js';
import { configFileSchema, validatorFor } from './schemas.js';
import { validateSuppressionsDocument, type Suppression } from './suppressions.js';
import { builtinDocument } from './builtin.js';

export const POLICIES_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));
export const BUILTIN_POLICY = `${POLICIES_DIR}lambda.yaml`;
export const LIFECYCLE_FILE = `${POLICIES_DIR}runtimes.yaml`;

/**
 * Reads a YAML file. `file` is read relative to `cwd` but reported as given, so messages (and
 * reports naming a suppression's `file:line`) show the path the user typed.
 */
export async function readDocument(file: string, cwd = process.cwd()): Promise<IssueContext> {
  const unreadable = (message: string, line = 1, column = 1): PolicyValidationError =>
    new PolicyValidationError([{ code: 'unreadable', file, line, column, path: '', message }]);
  let bytes: Buffer;
  const path = resolve(cwd, file);
  try {
    // Checked before reading: a multi-megabyte rule set is a mistake, and validating it would take
    // seconds and gigabytes.
    const { size } = await stat(path);
    if (size > MAX_DOCUMENT_BYTES)
      throw unreadable(
        `the file is ${(size / 1024 / 1024).toFixed(1)} MB; policy, suppressions and config files may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB (split it, or check that it is the file you meant)`,
      );
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof PolicyValidationError) throw error;
    throw unreadable(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // The package's own documents come parsed (builtin.ts); any other is parsed now, with js-yaml
  // loaded for it.
  const builtin = builtinDocument(path, bytes, POLICIES_DIR);
  if (builtin) return { file, ...builtin };
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    const { line, column } = lineColumn(bytes.toString('latin1'), text.offset);
    throw unreadable(
      `the file is not UTF-8 (byte 0x${bytes[text.offset]?.toString(16).padStart(2, '0')} here); save it as UTF-8`,
      line,
      column,
    );
  }
  const { parseYaml, YamlSyntaxError } = await import('./yaml.js');
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

/** Policy, suppressions and config files larger than this are refused. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** The text, or the offset of the first byte that is not UTF-8. */
function decodeUtf8(bytes: Buffer): string | { offset: number } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { offset: firstInvalidUtf8(bytes) };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const cp =
      length === 3
        ? ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6)
        : length === 4
          ? ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12)
          : 0x800;
    if (
      (length === 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
      (length === 4 && (cp < 0x10000 || cp > 0x10ffff))
    )
      return i;
    i += length;
  }
  return bytes.length;
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
  const bytes = await readFile(file);
  const data = (builtinDocument(file, bytes, POLICIES_DIR)?.doc.value ??
    (await import('js-yaml')).load(bytes.toString('utf8'))) as { runtimes?: RuntimeLifecycle[] };
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
    for (const issue of result.issues) issues.push(issue);
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

/**
 * The `sla` section of a config file (days per severity), or an empty SLA. The file is validated by
 * `loadRuleSet`, which a scan calls first; this reads the section alone.
 */
export async function loadSla(
  configFile: string | undefined,
  cwd?: string,
): Promise<Partial<Record<Severity, number>>> {
  if (configFile === undefined) return {};
  const ctx = await readDocument(configFile, cwd);
  return { ...((ctx.doc.value as { sla?: Partial<Record<Severity, number>> } | null)?.sla ?? {}) };
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
  for (const issue of schemaIssues(ctx, validatorFor(configFileSchema), ctx.doc.value, '')) issues.push(issue);
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
      else for (const issue of optionIssues(ctx, check, entry.options, `${pointer}/options`)) issues.push(issue);
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
