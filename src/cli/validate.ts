/**
 * `lambda-audit validate [files...]`: check what the user wrote, without scanning. YAML files are
 * policies, suppressions or configs (recognised by their top-level key); `.json` files are baselines.
 */
import { resolve } from 'node:path';
import { describeProblem, readBaseline } from '../drift/baseline.js';
import { ExitCode } from '../errors.js';
import { didYouMean, formatIssue, formatIssues, PolicyValidationError, type PolicyIssue } from '../policy/issues.js';
import { BUILTIN_POLICY, configIssues, detectKind, readDocument, validatePolicies } from '../policy/load.js';
import { issueAt } from '../policy/schema-issues.js';
import { validateSuppressionsDocument } from '../policy/suppressions.js';
import type { CliIo } from './io.js';

export async function runValidate(files: readonly string[], io: CliIo): Promise<ExitCode> {
  const targets = files.length > 0 ? files : [BUILTIN_POLICY];
  const issues: PolicyIssue[] = [];
  const contexts = [];
  const baselineProblems: string[] = [];
  for (const file of targets.filter((f) => f.endsWith('.json'))) {
    const read = await readBaseline(resolve(io.cwd, file));
    if (!read.ok) baselineProblems.push(describeProblem(file, read.problem));
  }
  for (const file of targets.filter((f) => !f.endsWith('.json'))) {
    try {
      contexts.push(await readDocument(file, io.cwd));
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      for (const issue of error.issues) issues.push(issue);
    }
  }
  const kinds = contexts.map((ctx) => ({ ctx, kind: detectKind(ctx.doc.value) }));
  // Policies are judged together with the built-in pack (rule ids are unique across them), and
  // suppressions and configs against all their rule ids. Every file is read once.
  const policies = kinds.filter((k) => k.kind === 'policy').map((k) => k.ctx);
  const builtin = policies.some((ctx) => resolve(io.cwd, ctx.file) === BUILTIN_POLICY)
    ? []
    : [await readDocument(BUILTIN_POLICY)];
  const { defs, issues: policyIssues } = validatePolicies([...builtin, ...policies]);
  for (const issue of policyIssues) issues.push(issue);
  const ruleIds = new Set(defs.map((d) => d.def.id));
  for (const { ctx, kind } of kinds) {
    if (kind === 'suppressions') {
      for (const issue of validateSuppressionsDocument(ctx, ruleIds).issues) issues.push(issue);
    } else if (kind === 'config') {
      for (const issue of configIssues(ctx, defs)) issues.push(issue);
    } else if (kind === undefined) {
      const value = ctx.doc.value;
      const first =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? Object.keys(value).find((k) => k !== 'version')
          : undefined;
      const hint = first === undefined ? '' : `; found "${first}"${didYouMean(first, ['rules', 'suppressions'])}`;
      issues.push(
        issueAt(
          ctx,
          first === undefined ? '' : `/${first}`,
          'unknown-file-kind',
          `not a policy (rules: [...]), suppressions (suppressions: [...]) or config (rules: {id: ...}) file${hint}`,
          true,
        ),
      );
    }
  }
  const unique = [...new Map(issues.map((i) => [formatIssue(i), i])).values()];
  for (const line of formatIssues(unique)) io.stderr.write(`${line}\n`);
  for (const problem of baselineProblems) io.stderr.write(`${problem} [baseline]\n`);
  if (unique.length + baselineProblems.length > 0) {
    io.stderr.write(`${unique.length + baselineProblems.length} problem(s)\n`);
    return ExitCode.usage;
  }
  io.stderr.write(`ok: ${targets.length} file(s) valid\n`);
  return ExitCode.ok;
}
