/**
 * The pipeline gate. `--fail-on SEVERITY` (default high) fails on a policy finding at or above it;
 * `--fail-on-drift` fails on any drift finding; `--fail-on-sla` on any finding past its SLA (`--state`). Suppressed findings never count; with
 * `--only-new`, only new ones reach here.
 */
import { fingerprint } from '../rules/fingerprint.js';
import { severityRank } from '../rules/types.js';
import type { RunResult } from './run.js';

import type { FailOn } from './names.js';

// Defined in ./names.ts (main.ts defines --fail-on with them without loading the gate).
export { FAIL_ON, type FailOn } from './names.js';

export interface GateResult {
  readonly failed: boolean;
  readonly reasons: readonly string[];
}

export function gate(run: RunResult, failOn: FailOn, failOnDrift: boolean, failOnSla = false): GateResult {
  const active = run.findings.filter((f) => !f.suppressed);
  const reasons: string[] = [];
  if (failOn !== 'none') {
    const threshold = severityRank[failOn];
    const hits = active.filter((f) => !f.ruleId.startsWith('drift/') && severityRank[f.severity] >= threshold);
    if (hits.length > 0) reasons.push(`${hits.length} finding(s) at ${failOn} or above (--fail-on ${failOn})`);
  }
  if (failOnDrift) {
    const drift = active.filter((f) => f.ruleId.startsWith('drift/'));
    if (drift.length > 0) reasons.push(`${drift.length} drift finding(s) (--fail-on-drift)`);
  }
  if (failOnSla && run.history) {
    // Only the findings this run reports (so --only-new narrows it too); suppressed ones are never past.
    const past = active.filter((f) => run.history?.findings.get(fingerprint(f))?.pastSla === true);
    if (past.length > 0) reasons.push(`${past.length} finding(s) past their SLA (--fail-on-sla)`);
  }
  return { failed: reasons.length > 0, reasons };
}
