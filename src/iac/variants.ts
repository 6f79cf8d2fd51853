/**
 * Functions with several possible deployments (a parameter's `AllowedValues`, both branches of an
 * `Fn::If`) are judged in each. The snapshot keeps one record per function (the defaults); the
 * others ride along here, and a rule fires once per function if it fires in any of them.
 */
import type { VerdictsAhead } from '../rules/ahead.js';
import { evaluate } from '../rules/evaluate.js';
import type { CompiledRule, Evaluation } from '../rules/types.js';
import type { FunctionRecord, Snapshot } from '../snapshot/types.js';

const alternatesOf = new WeakMap<Snapshot, readonly FunctionRecord[]>();

export function withAlternates(snapshot: Snapshot, alternates: readonly FunctionRecord[]): Snapshot {
  if (alternates.length > 0) alternatesOf.set(snapshot, alternates);
  return snapshot;
}

/** `evaluate`, over every variant of every function; findings and not-judged counts once per rule and function. */
export function evaluateSnapshot(
  snapshot: Snapshot,
  rules: readonly CompiledRule[],
  ahead?: VerdictsAhead,
): Evaluation {
  const alternates = alternatesOf.get(snapshot);
  if (!alternates) return evaluate(snapshot.functions, rules, { iam: snapshot.iam, ahead });
  // Stable sort inside evaluate: a function's primary record comes before its alternates.
  const all = evaluate([...snapshot.functions, ...alternates], rules, {
    iam: snapshot.iam,
    fleet: snapshot.functions,
  });
  const fired = new Set<string>();
  const findings = all.findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.arn}`;
    if (fired.has(key)) return false;
    fired.add(key);
    return true;
  });
  const notJudged = all.notJudged
    .map((n) => {
      const functions = [...new Set(n.functions)].filter((arn) => !fired.has(`${n.ruleId}\u0000${arn}`));
      return { ...n, functions, count: functions.length };
    })
    .filter((n) => n.count > 0);
  return { findings, notJudged };
}
