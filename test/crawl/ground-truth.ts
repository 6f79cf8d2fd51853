// What the demo fleet planted (src/simulator/exposure.ts, src/simulator/roles.ts) against what a
// report says, for the exposure rules and dlq-missing, and the role rules: precision and recall over
// (rule, function) pairs.
import { EXPOSURE_RULES } from '../../src/simulator/exposure.js';
import type { Fleet } from '../../src/simulator/fleet.js';
import type { RoleKind } from '../../src/simulator/roles.js';

export interface Score {
  readonly precision: number;
  readonly recall: number;
  /** Reported but not planted. */
  readonly falsePositives: string[];
  /** Planted but not reported. */
  readonly falseNegatives: string[];
}

/** `ruleId arn` for every exposure rule the fleet planted on a function in `evaluated`. */
export function planted(fleet: Fleet, evaluated: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const functions of fleet.values())
    for (const fn of functions.values()) {
      const arn = fn.configuration.FunctionArn ?? '';
      if (evaluated.has(arn)) for (const rule of fn.exposure?.expected ?? []) out.add(`${rule} ${arn}`);
      // An alias's own policy is judged on the alias ARN (with --include-versions).
      for (const [alias, own] of Object.entries(fn.aliasExposure ?? {}))
        if (evaluated.has(`${arn}:${alias}`)) for (const rule of own.expected) out.add(`${rule} ${arn}:${alias}`);
    }
  return out;
}

/**
 * Scores reported `{ruleId, arn}` pairs (rules outside `ruleIds` ignored) against the planted ones.
 * @default ruleIds the exposure rules
 */
export function score(
  expected: ReadonlySet<string>,
  reported: readonly { ruleId: string; arn: string }[],
  ruleIds: readonly string[] = EXPOSURE_RULES,
): Score {
  const rules = new Set<string>(ruleIds);
  const got = new Set(reported.filter((r) => rules.has(r.ruleId)).map((r) => `${r.ruleId} ${r.arn}`));
  const truePositives = [...got].filter((k) => expected.has(k)).length;
  return {
    precision: got.size === 0 ? 1 : truePositives / got.size,
    recall: expected.size === 0 ? 1 : truePositives / expected.size,
    falsePositives: [...got].filter((k) => !expected.has(k)).sort(),
    falseNegatives: [...expected].filter((k) => !got.has(k)).sort(),
  };
}

/** Every planted rule, and how often: so a test can check the fleet exercises each one. */
export function countByRule(expected: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of expected) {
    const rule = key.split(' ')[0] ?? '';
    counts[rule] = (counts[rule] ?? 0) + 1;
  }
  return counts;
}

/**
 * `ruleId arn` for every role rule the fleet planted on a function in `evaluated` (src/simulator/
 * roles.ts): score role findings with `score(expected, findings, ROLE_RULES)`. A function whose role
 * is in another account has none (its role rules are not judged: `other-account`).
 */
export function plantedRoleRules(fleet: Fleet, evaluated: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const functions of fleet.values())
    for (const fn of functions.values()) {
      const arn = fn.configuration.FunctionArn ?? '';
      if (!evaluated.has(arn)) continue;
      for (const rule of fn.role?.expected ?? []) out.add(`${rule} ${arn}`);
    }
  return out;
}

/** Function ARN -> the kind of its execution role (`admin`, `escalation`, `boundary-capped`, ...). */
export function expectedRoles(fleet: Fleet): Map<string, RoleKind> {
  const out = new Map<string, RoleKind>();
  for (const functions of fleet.values())
    for (const fn of functions.values()) if (fn.role) out.set(fn.configuration.FunctionArn ?? '', fn.role.expectedRole);
  return out;
}

/**
 * `ruleId arn` for every event source mapping rule the fleet planted (src/simulator/event-sources.ts)
 * on a function in `evaluated`: score with `score(expected, findings, ESM_RULES)`.
 */
export function plantedEventSourceRules(fleet: Fleet, evaluated: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const functions of fleet.values())
    for (const fn of functions.values()) {
      const arn = fn.configuration.FunctionArn ?? '';
      if (evaluated.has(arn)) for (const rule of fn.eventSources?.expected ?? []) out.add(`${rule} ${arn}`);
    }
  return out;
}
