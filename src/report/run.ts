/** Everything a run produced; every formatter reads this and nothing else. */
import type { SuppressionStatus } from '../policy/suppressions.js';
import type { AcceptedEntry } from '../rules/accepted.js';
import type { Finding, NotJudgedCount, RuleMeta } from '../rules/types.js';
import type { DriftReport } from '../drift/compare.js';
import type { Snapshot } from '../snapshot/types.js';
import type { FindingHistory, RunRecord, Sla, StateEntry } from '../state/state.js';

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
  /** With `--state`: each finding's history, what this run found fixed, the recorded runs. */
  readonly history?: RunHistory;
}

/** What `--state` adds to a run (src/state/). */
export interface RunHistory {
  /** By fingerprint, for every finding of the run. */
  readonly findings: ReadonlyMap<string, FindingHistory & { readonly pastSla: boolean }>;
  /** State entries this run found fixed (only where it judged them), with their fingerprint. */
  readonly resolved: readonly (StateEntry & { readonly fingerprint: string })[];
  /** Every recorded run, this one last. */
  readonly runs: readonly RunRecord[];
  readonly run: RunRecord;
  readonly sla: Sla;
  /** Findings (not suppressed) past their SLA. */
  readonly pastSla: number;
}
