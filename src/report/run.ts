/** Everything a run produced; every formatter reads this and nothing else. */
import type { SuppressionStatus } from '../policy/suppressions.js';
import type { AcceptedEntry } from '../rules/accepted.js';
import type { Finding, NotJudgedCount, RuleMeta } from '../rules/types.js';
import type { DriftReport } from '../drift/compare.js';
import type { Snapshot } from '../snapshot/types.js';

export interface RunResult {
  readonly snapshot: Snapshot;
  /** "Today" for lifecycle rules, as YYYY-MM-DD. */
  readonly asOf: string;
  readonly rules: readonly RuleMeta[];
  /** Every finding, suppressed ones included (marked). */
  readonly findings: readonly Finding[];
  /** Rules that could not judge some records (a part they need was not read or not known before deploy). */
  readonly notJudged: readonly NotJudgedCount[];
  readonly suppressions: readonly SuppressionStatus[];
  /** Undefined when no baseline directory was used. */
  readonly drift: DriftReport | undefined;
  /** With `--accepted-findings`: accepted findings known to be gone (fixed) in this run. */
  readonly resolved?: readonly AcceptedEntry[];
}
