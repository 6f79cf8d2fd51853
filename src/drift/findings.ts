/**
 * Drift becomes findings (rule ids under `drift/`), so it flows through suppressions, the gate and
 * every report format like any other finding. One finding per function and drift rule, naming
 * every field of that rule that changed.
 */
import type { Finding } from '../rules/types.js';
import type { FieldChange, FunctionDrift } from './diff.js';
import type { DriftPolicy, DriftRule } from './policy.js';

export function driftFindings(drift: readonly FunctionDrift[], policy: DriftPolicy): Finding[] {
  const findings: Finding[] = [];
  const byEvent = (on: DriftRule['on']): DriftRule | undefined => policy.rules.find((r) => r.on === on);
  const changedRules = policy.rules.filter((r) => r.on === 'changed');
  for (const fn of drift) {
    const base = {
      arn: fn.arn,
      account: fn.account,
      region: fn.region,
      functionName: fn.functionName,
      qualifier: fn.qualifier,
      suppressed: false,
    };
    if (fn.kind !== 'changed') {
      const rule = byEvent(fn.kind);
      if (rule)
        findings.push({
          ...base,
          ruleId: rule.id,
          severity: rule.severity,
          title: rule.title,
          message: `${fn.functionName} was ${fn.kind === 'added' ? 'added' : 'removed'} since the baseline`,
        });
      continue;
    }
    const groups = new Map<DriftRule, FieldChange[]>();
    for (const change of fn.changes) {
      const rule = changedRules.find((r) => r.matches(change.path));
      if (!rule) continue;
      groups.set(rule, [...(groups.get(rule) ?? []), change]);
    }
    for (const [rule, changes] of groups) {
      findings.push({
        ...base,
        ruleId: rule.id,
        severity: rule.severity,
        title: rule.title,
        message: `${fn.functionName}: ${changes.map(describeChange).join('; ')}`,
      });
    }
  }
  return findings;
}

export function describeChange(change: FieldChange): string {
  switch (change.kind) {
    case 'added':
      return `${change.path} added${'new' in change ? ` (${show(change.new)})` : ''}`;
    case 'removed':
      return `${change.path} removed${'old' in change ? ` (was ${show(change.old)})` : ''}`;
    case 'changed':
      return 'old' in change || 'new' in change
        ? `${change.path} changed from ${show(change.old)} to ${show(change.new)}`
        : `${change.path} changed`;
  }
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'nothing');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
