/** Reading a run's `--state` history from the formatters (src/state/, RunResult.history). */
import { fingerprint } from '../rules/fingerprint.js';
import type { Finding, Severity } from '../rules/types.js';
import type { FindingHistory } from '../state/state.js';
import type { RunResult } from './run.js';

export function historyOf(
  run: RunResult,
  f: Pick<Finding, 'ruleId' | 'arn'>,
): (FindingHistory & { readonly pastSla: boolean }) | undefined {
  return run.history?.findings.get(fingerprint(f));
}

/** A finding known fixed in this run: from the state, or from `--accepted-findings`. */
export interface GoneEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly arn: string;
  readonly severity?: Severity;
  /** From the state only. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** Why it is reported gone, for the descriptions. */
  readonly source: 'state' | 'accepted';
}

/** Each fixed finding once: the state's entries first (they know more), then accepted ones not among them. */
export function goneEntries(run: RunResult): GoneEntry[] {
  const fromState: GoneEntry[] = (run.history?.resolved ?? []).map((e) => ({
    fingerprint: e.fingerprint,
    ruleId: e.ruleId,
    arn: e.arn,
    severity: e.severity,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    source: 'state',
  }));
  const seen = new Set(fromState.map((e) => e.fingerprint));
  const fromAccepted: GoneEntry[] = (run.resolved ?? [])
    .filter((e) => !seen.has(e.fingerprint))
    .map((e) => ({ fingerprint: e.fingerprint, ruleId: e.ruleId, arn: e.arn, source: 'accepted' }));
  return [...fromState, ...fromAccepted];
}

/** "since the last run: +N new, -M resolved, K past SLA" (with `--state`), or undefined. */
export function sinceLastRun(run: RunResult): string | undefined {
  const h = run.history;
  if (h === undefined) return undefined;
  const reopened = h.run.reopened > 0 ? ` (${h.run.reopened} reopened)` : '';
  return `since the last run: +${h.run.new + h.run.reopened} new${reopened}, -${h.run.resolved} resolved, ${h.pastSla} past SLA`;
}
