/**
 * Evaluation: pure and deterministic. Same snapshot, rules and `asOf` give the same findings in
 * the same order.
 */
import type { AccountIam, FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { OUT_OF_SCOPE, type VerdictsAhead } from './ahead.js';
import { fleetOf } from './fleet.js';
import {
  Combined,
  NotJudged,
  severityRank,
  type CompiledRule,
  type Evaluation,
  type Finding,
  type NotJudgedCount,
} from './types.js';

export interface EvaluateOptions {
  /** The snapshot's IAM (execution roles), for the role rules. */
  readonly iam?: readonly AccountIam[] | undefined;
  /** The records the fleet consists of, when `records` also holds alternates of them (IaC variants). */
  readonly fleet?: readonly FunctionRecord[];
  /** Verdicts worked out while the crawl went (ahead.ts), taken instead of judging again. */
  readonly ahead?: VerdictsAhead | undefined;
}

export function evaluate(
  records: readonly FunctionRecord[],
  rules: readonly CompiledRule[],
  options: EvaluateOptions = {},
): Evaluation {
  // Findings come out sorted without a sort: rules in report order, one bucket each, filled while
  // walking the records in ARN order. (Sorting ~500,000 findings was a fifth of the time.)
  const ordered = [...rules].sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || cmp(a.id, b.id));
  const sortedRecords = isSortedByArn(records) ? records : [...records].sort((a, b) => cmp(a.arn, b.arn));
  const buckets: Finding[][] = ordered.map(() => []);
  const notJudged = new Map<string, { ruleId: string; part: UnknownPart; functions: string[] }>();
  const fleetRecords = options.fleet ?? records;
  // Rules that combine others (exposure-path) run second, over the first pass's findings.
  const first = ordered.map((r) => r.combines !== true);
  // Findings of a combining rule ranked below the rule's own severity, put in place at the end.
  const lowered: Finding[] = [];
  const aheadIndex = ordered.map((r) => options.ahead?.indexOf(r) ?? -1);
  const pass = (isFirst: boolean, fleet: ReturnType<typeof fleetOf>): void => {
    for (const record of sortedRecords) {
      // A function deleted while we crawled has nothing left to audit.
      if (record.status === 'vanished') continue;
      const known = isFirst ? options.ahead?.of(record) : undefined;
      for (let i = 0; i < ordered.length; i++) {
        if (first[i] !== isFirst) continue;
        const rule = ordered[i] as CompiledRule;
        const ahead = known?.[aheadIndex[i] as number];
        if (ahead === OUT_OF_SCOPE) continue;
        if (ahead === undefined && !rule.inScope(record)) continue;
        const verdict = ahead === undefined ? rule.test(record, fleet) : ahead.verdict;
        if (verdict === undefined) continue;
        if (verdict instanceof NotJudged) {
          const key = `${rule.id}\u0000${verdict.part.reason}\u0000${verdict.part.path}`;
          const entry = notJudged.get(key) ?? { ruleId: rule.id, part: verdict.part, functions: [] };
          entry.functions.push(record.arn);
          notJudged.set(key, entry);
          continue;
        }
        const combined = verdict instanceof Combined ? verdict : undefined;
        const severity =
          combined?.severity !== undefined && severityRank[combined.severity] < severityRank[rule.severity]
            ? combined.severity
            : rule.severity;
        (severity === rule.severity ? (buckets[i] as Finding[]) : lowered).push({
          ruleId: rule.id,
          severity,
          title: rule.title,
          message: ahead?.message ?? rule.message(record, verdict),
          arn: record.arn,
          account: record.account,
          region: record.region,
          functionName: record.name,
          qualifier: record.qualifier,
          suppressed: false,
          ...(record.location === undefined ? {} : { location: record.location }),
          ...(combined ? { traits: combined.traits, related: combined.related } : {}),
        });
      }
    }
  };
  pass(true, fleetOf(fleetRecords, { iam: options.iam }));
  if (first.includes(false)) pass(false, fleetOf(fleetRecords, { iam: options.iam, ...byArn(buckets, notJudged) }));
  const counts: NotJudgedCount[] = [...notJudged.values()]
    .map(({ ruleId, part, functions }) => ({
      ruleId,
      reason: part.reason,
      path: part.path,
      count: functions.length,
      functions,
    }))
    .sort((a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.reason, b.reason) || cmp(a.path, b.path));
  const findings = buckets.flat();
  return {
    findings: lowered.length === 0 ? findings : [...findings, ...lowered].sort(compareFindings),
    notJudged: counts,
  };
}

/** The first pass's findings and not-judged parts by function ARN, then rule id. */
function byArn(
  buckets: readonly Finding[][],
  notJudged: ReadonlyMap<string, { ruleId: string; part: UnknownPart; functions: string[] }>,
): {
  findings: Map<string, Map<string, Finding>>;
  notJudged: Map<string, Map<string, UnknownPart>>;
} {
  const findings = new Map<string, Map<string, Finding>>();
  for (const bucket of buckets)
    for (const f of bucket) {
      let of = findings.get(f.arn);
      if (!of) findings.set(f.arn, (of = new Map<string, Finding>()));
      if (!of.has(f.ruleId)) of.set(f.ruleId, f);
    }
  const parts = new Map<string, Map<string, UnknownPart>>();
  for (const { ruleId, part, functions } of notJudged.values())
    for (const arn of functions) {
      let of = parts.get(arn);
      if (!of) parts.set(arn, (of = new Map<string, UnknownPart>()));
      if (!of.has(ruleId)) of.set(ruleId, part);
    }
  return { findings, notJudged: parts };
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
