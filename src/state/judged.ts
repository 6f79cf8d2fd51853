/** What a run judged (state.ts `Judged`), from its snapshot and evaluation. */
import type { DriftReport } from '../drift/compare.js';
import type { NotJudgedCount } from '../rules/types.js';
import type { Snapshot } from '../snapshot/types.js';
import type { Judged } from './state.js';

export function judgedOf(
  snapshot: Snapshot,
  ruleIds: Iterable<string>,
  notJudged: readonly NotJudgedCount[],
  drift?: { readonly report: DriftReport; readonly ruleIds: readonly string[] },
): Judged {
  const pairs = new Set(notJudged.flatMap((n) => n.functions.map((arn) => `${n.ruleId}\0${arn}`)));
  // Drift rules judge only account-regions that had a baseline to compare with.
  if (drift) {
    const uncompared = new Set(drift.report.regions.filter((r) => !r.compared).map((r) => `${r.account}/${r.region}`));
    for (const f of snapshot.functions)
      if (uncompared.has(`${f.account}/${f.region}`)) for (const id of drift.ruleIds) pairs.add(`${id}\0${f.arn}`);
  }
  const skipped = new Set((snapshot.skippedAccounts ?? []).map((a) => a.account));
  return {
    rules: new Set(ruleIds),
    readInFull: new Set(snapshot.functions.filter((f) => f.status === 'ok').map((f) => f.arn)),
    notJudged: pairs,
    present: new Set(snapshot.functions.map((f) => f.arn)),
    listed: new Set(
      snapshot.regions
        .filter((r) => r.error === undefined && !skipped.has(r.account))
        .map((r) => `${r.account}/${r.region}`),
    ),
  };
}
