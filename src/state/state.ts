/**
 * Findings over time (`--state FILE`): per finding fingerprint its first and last sighting and, once
 * fixed, when; per run the open findings by severity. `advanceState` is the pure step from one run
 * to the next; reading and writing the file live in file.ts.
 *
 * "Fixed" is decided only where this run judged: a finding not seen is resolved only when its rule
 * ran, and its function was read in full (and the rule could judge it), or its function is gone
 * from a region whose listing completed in an account that was not skipped. Anything else (a
 * function that could not be read, a failed listing, a rule off or not judged, a region or
 * account left out of this run) leaves the entry as it was: unknown is not fixed.
 */
import { fingerprint } from '../rules/fingerprint.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';
import { KEEP_RESOLVED_DAYS } from '../defaults.js';
import { StateTable } from './table.js';

export const STATE_SCHEMA_VERSION = 1;
/** Runs kept in the file (about a year of nightly runs); older ones are dropped, findings are not. */
export const MAX_RUNS = 400;

export interface StateEntry {
  readonly ruleId: string;
  readonly arn: string;
  readonly severity: Severity;
  /** ISO date-times. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** When the run that found it gone ran; absent while open. */
  readonly resolvedAt?: string;
}

export interface RunRecord {
  readonly at: string;
  /** Open findings (not suppressed) seen in this run, by severity. */
  readonly open: Readonly<Record<Severity, number>>;
  readonly new: number;
  readonly resolved: number;
  readonly reopened: number;
}

export interface FindingsState {
  readonly schemaVersion: typeof STATE_SCHEMA_VERSION;
  readonly kind: 'lambda-audit-state';
  readonly runs: readonly RunRecord[];
  /** By fingerprint (src/rules/fingerprint.ts). */
  readonly findings: ReadonlyMap<string, StateEntry>;
}

export type FindingStatus = 'new' | 'open' | 'reopened';

/** What the state says about one finding of this run. */
export interface FindingHistory {
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly status: FindingStatus;
  /** Whole days since first seen. */
  readonly ageDays: number;
}

/** What this run judged; see the module comment. */
export interface Judged {
  readonly rules: ReadonlySet<string>;
  /** ARNs of functions read in full (status ok). */
  readonly readInFull: ReadonlySet<string>;
  /** `${ruleId}\0${arn}` pairs the rule could not judge. */
  readonly notJudged: ReadonlySet<string>;
  /** ARNs of every function in the snapshot, whatever its status. */
  readonly present: ReadonlySet<string>;
  /** `${account}/${region}` whose listing completed, in accounts not skipped. */
  readonly listed: ReadonlySet<string>;
}

export interface Advance {
  readonly state: FindingsState;
  /** By fingerprint, for this run's findings. */
  readonly findings: ReadonlyMap<string, FindingHistory>;
  /** Entries found fixed by this run, with their fingerprint. */
  readonly resolved: readonly (StateEntry & { readonly fingerprint: string })[];
  readonly run: RunRecord;
}

export function emptyState(): FindingsState {
  return { schemaVersion: STATE_SCHEMA_VERSION, kind: 'lambda-audit-state', runs: [], findings: new Map() };
}

const DAY_MS = 86_400_000;

export function ageDays(firstSeen: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(firstSeen)) / DAY_MS));
}

/** `account/region` of a Lambda ARN (`arn:partition:lambda:region:account:function:name[:qualifier]`). */
export function whereOf(arn: string): string {
  const [, , , region = '', account = ''] = arn.split(':');
  return `${account}/${region}`;
}

/** The unqualified function ARN: a version's findings go with its function's listing and read. */
function functionArn(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/** Whether this run judged the entry's rule on its resource, so that not seeing it means fixed. */
export function judgedThisRun(entry: Pick<StateEntry, 'ruleId' | 'arn'>, judged: Judged): boolean {
  if (!judged.rules.has(entry.ruleId)) return false;
  if (judged.readInFull.has(entry.arn)) return !judged.notJudged.has(`${entry.ruleId}\0${entry.arn}`);
  // A version (or function) not in the snapshot: gone, if its function's region was listed in full
  // and the function itself is not there unread.
  if (judged.present.has(entry.arn)) return false;
  const fn = functionArn(entry.arn);
  if (fn !== entry.arn && judged.present.has(fn) && !judged.readInFull.has(fn)) return false;
  return judged.listed.has(whereOf(entry.arn));
}

/**
 * The next state. Every current finding is `new` (never seen), `open` (seen and not resolved) or
 * `reopened` (resolved before, seen again: its first sighting is kept); every open entry not seen
 * and judged this run is resolved. Suppressed findings are tracked (they are there) but not counted open.
 */
export function advanceState(
  previous: FindingsState,
  findings: readonly Finding[],
  judged: Judged,
  now: Date,
): Advance {
  const at = now.toISOString();
  if (previous.findings instanceof StateTable) return advanceTable(previous, previous.findings, findings, judged, now);
  const next = new Map(previous.findings);
  const histories = new Map<string, FindingHistory>();
  const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let added = 0;
  let reopened = 0;
  for (const f of findings) {
    const id = fingerprint(f);
    if (histories.has(id)) continue;
    const before = previous.findings.get(id);
    const status: FindingStatus = before === undefined ? 'new' : before.resolvedAt === undefined ? 'open' : 'reopened';
    const firstSeen = before?.firstSeen ?? at;
    next.set(id, { ruleId: f.ruleId, arn: f.arn, severity: f.severity, firstSeen, lastSeen: at });
    histories.set(id, { firstSeen, lastSeen: at, status, ageDays: ageDays(firstSeen, now) });
    if (status === 'new') added++;
    if (status === 'reopened') reopened++;
    if (!f.suppressed) open[f.severity]++;
  }
  const resolved: (StateEntry & { fingerprint: string })[] = [];
  for (const [id, entry] of previous.findings) {
    if (histories.has(id) || entry.resolvedAt !== undefined || !judgedThisRun(entry, judged)) continue;
    const done = { ...entry, resolvedAt: at };
    next.set(id, done);
    resolved.push({ fingerprint: id, ...done });
  }
  const run: RunRecord = { at, open, new: added, resolved: resolved.length, reopened };
  return {
    state: { ...previous, runs: [...previous.runs, run].slice(-MAX_RUNS), findings: next },
    findings: histories,
    resolved: resolved.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)),
    run,
  };
}

/**
 * `advanceState` on findings held as columns (table.ts): the same steps, with no entry made for a
 * row that only changes (its severity, last sighting, resolution), and one history object for all
 * the findings of a first sighting and status (they are read only).
 */
function advanceTable(
  previous: FindingsState,
  table: StateTable,
  findings: readonly Finding[],
  judged: Judged,
  now: Date,
): Advance {
  const at = now.toISOString();
  const draft = table.draft(at);
  const histories = new Map<string, FindingHistory>();
  const shared = new Map<string, FindingHistory>();
  const history = (firstSeen: string, status: FindingStatus): FindingHistory => {
    const key = `${status}\0${firstSeen}`;
    let h = shared.get(key);
    if (h === undefined) {
      h = { firstSeen, lastSeen: at, status, ageDays: ageDays(firstSeen, now) };
      shared.set(key, h);
    }
    return h;
  };
  const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let added = 0;
  let reopened = 0;
  for (const f of findings) {
    const id = fingerprint(f);
    const row = table.rowOf(id);
    let status: FindingStatus;
    let firstSeen: string;
    if (row >= 0) {
      if (draft.seen[row] === 1) continue; // seen already this run
      status = table.isResolved(row) ? 'reopened' : 'open';
      firstSeen = table.firstSeenOf(row);
      if (!table.holds(row, f.ruleId, f.arn) || !draft.seeRow(row, f.severity))
        draft.seeWhole(row, { ruleId: f.ruleId, arn: f.arn, severity: f.severity, firstSeen, lastSeen: at });
    } else {
      if (histories.has(id)) continue;
      const before = table.addedEntry(id);
      status = before === undefined ? 'new' : before.resolvedAt === undefined ? 'open' : 'reopened';
      firstSeen = before?.firstSeen ?? at;
      draft.add(id, { ruleId: f.ruleId, arn: f.arn, severity: f.severity, firstSeen, lastSeen: at });
    }
    histories.set(id, history(firstSeen, status));
    if (status === 'new') added++;
    if (status === 'reopened') reopened++;
    if (!f.suppressed) open[f.severity]++;
  }
  const resolved = table.resolveUnseen(
    draft,
    (id) => histories.has(id),
    (key) => judgedThisRun(key, judged),
  );
  const run: RunRecord = { at, open, new: added, resolved: resolved.length, reopened };
  return {
    state: { ...previous, runs: [...previous.runs, run].slice(-MAX_RUNS), findings: draft.build() },
    findings: histories,
    resolved: resolved.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)),
    run,
  };
}

// Defined in src/defaults.ts (the CLI's help names it without loading this module).
export { KEEP_RESOLVED_DAYS };

/**
 * The state without the entries resolved more than `keepDays` whole days before `now` (open
 * entries and the run records are kept). A finding seen again after its entry was dropped is `new`.
 */
export function pruneResolved(state: FindingsState, now: Date, keepDays = KEEP_RESOLVED_DAYS): FindingsState {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  if (state.findings instanceof StateTable) {
    const findings = state.findings.prune(cutoff);
    return findings === undefined ? state : { ...state, findings };
  }
  let dropped = false;
  const findings = new Map<string, StateEntry>();
  for (const [id, entry] of state.findings)
    if (entry.resolvedAt !== undefined && Date.parse(entry.resolvedAt) < cutoff) dropped = true;
    else findings.set(id, entry);
  return dropped ? { ...state, findings } : state;
}

/** Days a finding of each severity may stay open (`sla` in the config file); a severity left out has none. */
export type Sla = Partial<Readonly<Record<Severity, number>>>;

/** Past its SLA: open (not suppressed) for more days than its severity allows. */
export function pastSla(finding: Pick<Finding, 'severity' | 'suppressed'>, age: number, sla: Sla): boolean {
  const days = sla[finding.severity];
  return !finding.suppressed && days !== undefined && age > days;
}
