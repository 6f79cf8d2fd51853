/**
 * Compliance mappings: which control of which framework a rule's finding violates. Policy files
 * declare them per rule (`compliance: { framework-id: [control, ...] }`); the built-in pack's
 * mappings live in this table, keyed by rule id, so rules added to the pack on other branches
 * (`function-public-access`, `vpc-single-az`) pick theirs up without an edit to the YAML.
 */
import type { ComplianceRef, RuleMeta } from './types.js';

export const FSBP = 'aws-foundational-security-best-practices';

/** Frameworks we know by name: their title and Security Hub standard, for reports and ASFF. */
export const FRAMEWORKS: Readonly<Record<string, { readonly title: string; readonly standardsId?: string }>> = {
  [FSBP]: {
    title: 'AWS Foundational Security Best Practices v1.0.0',
    standardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0',
  },
};

/**
 * Security Hub's Lambda controls (docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html).
 * CIS AWS Foundations Benchmark (v1.2 to v3.0) has no Lambda control, so nothing maps to it. The role
 * rules have no counterpart either: IAM.1 judges a customer managed policy, not the role a function
 * runs with (an AWS managed AdministratorAccess never fails it), so mapping them would mislead.
 */
export const BUILTIN_COMPLIANCE: Readonly<Record<string, readonly ComplianceRef[]>> = {
  'function-public-access': [{ framework: FSBP, control: 'Lambda.1' }],
  'runtime-deprecated': [{ framework: FSBP, control: 'Lambda.2' }],
  'tags-required': [{ framework: FSBP, control: 'Lambda.6' }],
  'tracing-disabled': [{ framework: FSBP, control: 'Lambda.7' }],
  'vpc-missing': [{ framework: FSBP, control: 'Lambda.3' }],
  'vpc-single-az': [{ framework: FSBP, control: 'Lambda.5' }],
};

/** A policy file's `compliance:` map as a sorted list of references. */
export function complianceRefs(declared: Readonly<Record<string, string | readonly string[]>>): ComplianceRef[] {
  return Object.entries(declared)
    .flatMap(([framework, controls]) =>
      (typeof controls === 'string' ? [controls] : controls).map((control) => ({ framework, control })),
    )
    .sort((a, b) => a.framework.localeCompare(b.framework) || a.control.localeCompare(b.control));
}

/** The rule's mappings: its own, else the built-in table's when the rule comes from the built-in pack. */
export function withBuiltinCompliance<R extends RuleMeta>(rule: R): R {
  if (rule.compliance !== undefined) return rule;
  const mapped = BUILTIN_COMPLIANCE[rule.id];
  return mapped === undefined ? rule : { ...rule, compliance: mapped };
}

export function frameworkTitle(framework: string): string {
  return FRAMEWORKS[framework]?.title ?? framework;
}

/** The rule's controls in one framework. */
export function controlsOf(rule: Pick<RuleMeta, 'compliance'>, framework: string): string[] {
  return (rule.compliance ?? []).filter((c) => c.framework === framework).map((c) => c.control);
}
