/**
 * Evaluation: pure and deterministic. Same snapshot, rules and `asOf` give the same findings in
 * the same order.
 */
import type { FunctionRecord } from '../snapshot/types.js';
import { severityRank, type CompiledRule, type Finding } from './types.js';

export function evaluate(records: readonly FunctionRecord[], rules: readonly CompiledRule[]): Finding[] {
  const findings: Finding[] = [];
  for (const record of records) {
    // A function deleted while we crawled has nothing left to audit.
    if (record.status === 'vanished') continue;
    for (const rule of rules) {
      if (!rule.inScope(record)) continue;
      const vars = rule.test(record);
      if (vars === undefined) continue;
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        title: rule.title,
        message: rule.message(record, vars),
        arn: record.arn,
        account: record.account,
        region: record.region,
        functionName: record.name,
        qualifier: record.qualifier,
        suppressed: false,
      });
    }
  }
  return findings.sort(compareFindings);
}

export function compareFindings(a: Finding, b: Finding): number {
  return severityRank[b.severity] - severityRank[a.severity] || cmp(a.ruleId, b.ruleId) || cmp(a.arn, b.arn);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
