/**
 * Evaluation: pure and deterministic. Same snapshot, rules and `asOf` give the same findings in
 * the same order.
 */
import type { FunctionRecord, UnknownPart } from '../snapshot/types.js';
import {
  NotJudged,
  severityRank,
  type CompiledRule,
  type Evaluation,
  type Finding,
  type NotJudgedCount,
} from './types.js';

export function evaluate(records: readonly FunctionRecord[], rules: readonly CompiledRule[]): Evaluation {
  // Findings come out sorted without a sort: rules in report order, one bucket each, filled while
  // walking the records in ARN order. (Sorting ~500,000 findings was a fifth of the time.)
  const ordered = [...rules].sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || cmp(a.id, b.id));
  const sortedRecords = isSortedByArn(records) ? records : [...records].sort((a, b) => cmp(a.arn, b.arn));
  const buckets: Finding[][] = ordered.map(() => []);
  const notJudged = new Map<string, { ruleId: string; part: UnknownPart; functions: string[] }>();
  for (const record of sortedRecords) {
    // A function deleted while we crawled has nothing left to audit.
    if (record.status === 'vanished') continue;
    for (let i = 0; i < ordered.length; i++) {
      const rule = ordered[i] as CompiledRule;
      if (!rule.inScope(record)) continue;
      const vars = rule.test(record);
      if (vars === undefined) continue;
      if (vars instanceof NotJudged) {
        const key = `${rule.id}\u0000${vars.part.reason}\u0000${vars.part.path}`;
        const entry = notJudged.get(key) ?? { ruleId: rule.id, part: vars.part, functions: [] };
        entry.functions.push(record.arn);
        notJudged.set(key, entry);
        continue;
      }
      (buckets[i] as Finding[]).push({
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
        ...(record.location === undefined ? {} : { location: record.location }),
      });
    }
  }
  const counts: NotJudgedCount[] = [...notJudged.values()]
    .map(({ ruleId, part, functions }) => ({
      ruleId,
      reason: part.reason,
      path: part.path,
      count: functions.length,
      functions,
    }))
    .sort((a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.reason, b.reason) || cmp(a.path, b.path));
  return { findings: buckets.flat(), notJudged: counts };
}

function isSortedByArn(records: readonly FunctionRecord[]): boolean {
  for (let i = 1; i < records.length; i++)
    if ((records[i - 1] as FunctionRecord).arn > (records[i] as FunctionRecord).arn) return false;
  return true;
}

export function compareFindings(a: Finding, b: Finding): number {
  return severityRank[b.severity] - severityRank[a.severity] || cmp(a.ruleId, b.ruleId) || cmp(a.arn, b.arn);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
