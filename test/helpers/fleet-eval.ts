// Evaluating a small fleet with the built-in pack, for rules that look beyond one record (the role
// rules read the snapshot's IAM; exposure-path and role-shared combine other rules' findings).
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { CompiledRule, Evaluation, Finding } from '../../src/rules/types.js';
import type { AccountIam, FunctionRecord } from '../../src/snapshot/types.js';
import { AS_OF } from './rule-tester.js';

let pack: Promise<CompiledRule[]> | undefined;

export async function evaluateFleet(
  records: readonly FunctionRecord[],
  iam?: readonly AccountIam[],
  rules?: readonly CompiledRule[],
): Promise<Evaluation> {
  pack ??= loadRuleSet({ asOf: AS_OF });
  return evaluate(records, rules ?? (await pack), { iam });
}

/** The findings of one rule, by function name. */
export function byFunction(evaluation: Evaluation, ruleId: string): Map<string, Finding> {
  return new Map(evaluation.findings.filter((f) => f.ruleId === ruleId).map((f) => [f.functionName, f]));
}

/** Function names a rule did not judge, with the unknown path and reason. */
export function notJudgedBy(evaluation: Evaluation, ruleId: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of evaluation.notJudged.filter((x) => x.ruleId === ruleId))
    for (const arn of n.functions) out.set(arn.split(':').pop() ?? arn, `${n.path} ${n.reason}`);
  return out;
}
