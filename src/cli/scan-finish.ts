/**
 * The second half of `lambda-audit scan`, after the snapshot: evaluate, drift, suppressions, state,
 * write the outputs, gate. A module of its own so that a crawl does not wait for it: src/cli/scan.ts
 * imports it while the crawl waits for its first answer (see the lazy-loading rule in main.ts).
 */
import { resolve } from 'node:path';
import { compareWithBaselines, type DriftReport } from '../drift/compare.js';
import { driftFindings } from '../drift/findings.js';
import { ExitCode, AuditError } from '../errors.js';
import { evaluateSnapshot } from '../iac/variants.js';
import { applySuppressions } from '../policy/suppressions.js';
import { chunkedFormatters, formatters, type RunResult } from '../report/formats.js';
import { gate } from '../report/gate.js';
import { sarifPartPath, sarifParts } from '../report/sarif-split.js';
import { batched, writeAll, writeFileSafely, type FileContent } from '../report/write.js';
import { acceptedFindingsDocument, goneSinceAccepted, markNew } from '../rules/accepted.js';
import { VerdictsAhead } from '../rules/ahead.js';
import { compareFindings } from '../rules/evaluate.js';
import { fingerprint } from '../rules/fingerprint.js';
import type { Finding } from '../rules/types.js';
import { isComplete } from '../snapshot/build.js';
import type { FunctionRecord, Snapshot } from '../snapshot/types.js';
import { stateChunks } from '../state/file.js';
import { judgedOf } from '../state/judged.js';
import {
  advanceState,
  KEEP_RESOLVED_DAYS,
  pastSla,
  pruneResolved,
  type FindingHistory,
  type FindingsState,
  type Sla,
} from '../state/state.js';
import type { RunHistory } from '../report/run.js';
import type { CliIo } from './io.js';
import type { OutputSpec } from './options.js';
import type { ScanFlags, ScanInputs } from './scan.js';

export async function finishScan(
  snapshot: Snapshot,
  flags: ScanFlags,
  io: CliIo,
  log: (line: string) => void,
  inputs: ScanInputs,
): Promise<ExitCode> {
  const { asOf, rules, sla, previousState, driftPolicy, suppressions, acceptedEntries, accepted } = inputs;
  const { baselineDir, baselines, useDrift, outputs } = inputs;
  const evaluation = evaluateSnapshot(snapshot, rules, inputs.ahead);
  let findings = evaluation.findings;
  let drift: DriftReport | undefined;
  if (useDrift && driftPolicy) {
    drift = compareWithBaselines(snapshot, baselineDir, baselines, driftPolicy, flags.driftIgnore);
    findings = [...findings, ...driftFindings(drift.functions, driftPolicy)].sort(compareFindings);
    for (const r of drift.regions) if (r.note) log(`drift ${r.account}/${r.region}: ${r.note}`);
  }
  const records = new Map(snapshot.functions.map((f) => [f.arn, f]));
  const applied = applySuppressions(findings, records, suppressions, asOf);
  findings = applied.findings;
  if (accepted) findings = markNew(findings, accepted);
  if (flags.acceptFindings !== undefined) {
    await writeFileSafely(resolve(io.cwd, flags.acceptFindings), acceptedFindingsDocument(findings));
    log(`accepted ${findings.filter((f) => !f.suppressed).length} findings into ${flags.acceptFindings}`);
  }
  // Before --only-new: an accepted finding still present is not gone, whether reported or not.
  const resolved =
    acceptedEntries &&
    goneSinceAccepted(acceptedEntries, findings, {
      rules: new Set(rules.map((r) => r.id)),
      readInFull: new Set(snapshot.functions.filter((f) => f.status === 'ok').map((f) => f.arn)),
      notJudged: new Set(evaluation.notJudged.flatMap((n) => n.functions.map((arn) => `${n.ruleId}\0${arn}`))),
    });
  // Also before --only-new: the state records every finding of the run.
  let history: RunHistory | undefined;
  let nextState: FindingsState | undefined;
  if (previousState) {
    const judged = judgedOf(
      snapshot,
      [...rules.map((r) => r.id), ...(useDrift && driftPolicy ? driftPolicy.rules.map((r) => r.id) : [])],
      evaluation.notJudged,
      drift && driftPolicy ? { report: drift, ruleIds: driftPolicy.rules.map((r) => r.id) } : undefined,
    );
    // Sightings are when the fleet was seen: the snapshot's time (a crawl's now; an --input's own).
    const advanced = advanceState(previousState, findings, judged, new Date(snapshot.generatedAt));
    // Pruned on write only: this run's reports still list what it resolved.
    nextState = pruneResolved(
      advanced.state,
      new Date(snapshot.generatedAt),
      flags.stateKeepResolvedDays ?? KEEP_RESOLVED_DAYS,
    );
    history = historyOf(advanced, findings, sla);
    log(
      `state ${flags.state}: +${advanced.run.new} new, -${advanced.run.resolved} resolved, ${advanced.run.reopened} reopened, ${history.pastSla} past SLA`,
    );
  }
  if (flags.onlyNew) findings = findings.filter((f) => f.new !== false);

  const run: RunResult = {
    snapshot,
    asOf: asOf.toISOString().slice(0, 10),
    rules: [...rules, ...(useDrift && driftPolicy ? driftPolicy.rules : [])],
    findings,
    notJudged: evaluation.notJudged,
    suppressions: applied.statuses,
    drift,
    ...(resolved === undefined ? {} : { resolved }),
    ...(history === undefined ? {} : { history }),
  };
  // The state goes with the reports, all or none: a run whose reports were not written did not happen.
  const extra =
    nextState === undefined || flags.state === undefined
      ? []
      : [{ format: 'state', path: flags.state, content: stateChunks(nextState) }];
  await writeOutputs(run, outputs, flags, io, log, extra);
  const verdict = gate(run, flags.failOn, flags.failOnDrift, flags.failOnSla === true);
  const complete = isComplete(snapshot);
  if (!complete) log(`crawl incomplete: ${incompleteReasons(snapshot).join('; ')}`);
  if (verdict.failed) {
    log(`gate failed: ${verdict.reasons.join('; ')}; exit 1`);
    return ExitCode.gateFailed;
  }
  return complete ? ExitCode.ok : ExitCode.crawlIncomplete;
}

export { VerdictsAhead };

/** Records judged in one turn, and the pause between turns: a turn takes 1-2 ms once the rules' code is optimised. */
const JUDGE_SLICE = 25;
const JUDGE_PAUSE_MS = 20;

/**
 * Judges the records the crawl has completed (`completed`, filled as it goes) while the crawl
 * waits on its quota, a slice at a time, into `ahead`: the evaluation after the crawl then takes
 * their verdicts instead of judging them again (ahead.ts). At 1,500 functions the evaluation after
 * the crawl went from 96-103 ms to 63-90 ms in the CLI (33 ms against 75 ms warm, out of it; the
 * rest is the rules that read the fleet and the findings' objects; docs/benchmarks.md). Stops once
 * the crawl is over.
 */
export async function judgeAhead(
  completed: readonly FunctionRecord[],
  ahead: VerdictsAhead,
  cancelled: () => boolean,
): Promise<void> {
  let next = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, JUDGE_PAUSE_MS).unref());
    if (cancelled()) return;
    const until = Math.min(completed.length, next + JUDGE_SLICE);
    for (; next < until; next++) ahead.add(completed[next] as FunctionRecord);
  }
}

/** The run's side of the state: each finding's history, marked past its SLA or not. */
function historyOf(advanced: ReturnType<typeof advanceState>, findings: readonly Finding[], sla: Sla): RunHistory {
  const marked = new Map<string, FindingHistory & { pastSla: boolean }>();
  let past = 0;
  for (const f of findings) {
    const id = fingerprint(f);
    const h = advanced.findings.get(id);
    if (!h || marked.has(id)) continue;
    const over = pastSla(f, h.ageDays, sla);
    if (over) past++;
    marked.set(id, { ...h, pastSla: over });
  }
  return {
    findings: marked,
    resolved: advanced.resolved,
    runs: advanced.state.runs,
    run: advanced.run,
    sla,
    pastSla: past,
  };
}

async function writeOutputs(
  run: RunResult,
  outputs: readonly OutputSpec[],
  flags: ScanFlags,
  io: CliIo,
  log: (line: string) => void,
  extra: readonly { format: string; path: string; content: FileContent }[] = [],
): Promise<void> {
  // stderr, not the log: a warning about a report must show even with --quiet.
  const warn = (line: string): void => void io.stderr.write(`lambda-audit: ${line}\n`);
  const stdoutColor = flags.color && io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
  const files: { format: string; path: string; content: FileContent }[] = [...extra];
  const toStdout: FileContent[] = [];
  for (const spec of outputs) {
    if (spec.format === 'sarif') {
      // One file, or with more accounts than one file may hold several (sarif-split.ts), never an
      // account left out.
      const parts = sarifParts(run, { color: false, warn });
      if (spec.path === undefined) {
        if (parts.length > 1)
          throw new AuditError(
            'E_USAGE',
            `SARIF for ${parts.reduce((n, p) => n + p.accounts.length, 0)} accounts needs ${parts.length} files (GitHub takes 20 runs and 10 MB per file): write it with --output sarif=PATH`,
          );
        toStdout.push(parts[0]!.content);
        continue;
      }
      const path = spec.path;
      for (const [i, part] of parts.entries())
        files.push({ format: 'sarif', path: sarifPartPath(path, i), content: part.content });
      if (parts.length > 1)
        warn(
          `SARIF: ${parts.length} files (${sarifPartPath(path, 0)} to ${sarifPartPath(path, parts.length - 1)}), to stay within GitHub's limits of 20 runs and 10 MB per file; upload each of them (docs/organizations.md)`,
        );
      continue;
    }
    const options = {
      color: spec.path === undefined && stdoutColor,
      warn,
      reportSnapshot: flags.reportSnapshot === true,
    };
    // JSON and the snapshot in chunks, produced as they are written: at 100,000 functions their
    // text is hundreds of MB, more than the run itself holds.
    const content =
      spec.format in chunkedFormatters
        ? chunkedFormatters[spec.format as keyof typeof chunkedFormatters](run, options)
        : formatters[spec.format as keyof typeof formatters](run, options);
    if (spec.path === undefined) toStdout.push(content);
    else files.push({ format: spec.format, path: spec.path, content });
  }
  // Files all or none, then standard output.
  await writeAll(files.map(({ path, content }) => ({ path: resolve(io.cwd, path), content })));
  for (const f of files) log(`wrote ${f.format} to ${f.path}`);
  for (const content of toStdout) await writeStdout(io, content);
}

/** Standard output, chunk by chunk, waiting whenever the pipe's buffer is full. */
async function writeStdout(io: CliIo, content: FileContent): Promise<void> {
  if (typeof content === 'string') {
    io.stdout.write(content);
    return;
  }
  for (const piece of batched(content))
    if (!io.stdout.write(piece)) await new Promise<void>((done) => io.stdout.once('drain', () => done()));
}

/** Functions whose policy, URL or invoke config read was denied or failed, named (the first ten). */
function unreadExposure(snapshot: RunResult['snapshot'], r: RunResult['snapshot']['regions'][number]): string[] {
  if (!r.partsDenied && !r.partsFailed) return [];
  const unread = snapshot.functions
    .filter((f) => f.account === r.account && f.region === r.region && f.status === 'ok')
    .flatMap((f) =>
      (f.unknown ?? [])
        .filter((u) => u.reason === 'denied' || u.reason === 'failed')
        .map((u) => `${f.name} ${u.path} (${u.reason}${u.detail === undefined ? '' : `: ${u.detail}`})`),
    );
  const shown = unread.slice(0, 10).join(', ');
  return [
    `${unread.length} exposure read(s) could not be made, so rules needing them are not judged: ${shown}${unread.length > 10 ? `, and ${unread.length - 10} more` : ''}`,
  ];
}

function incompleteReasons(snapshot: RunResult['snapshot']): string[] {
  // An account whose roles could not be read: named once, not under each of its regions.
  const roles = (snapshot.iam ?? []).filter((i) => i.unknown?.reason === 'denied' || i.unknown?.reason === 'failed');
  const rolesUnread = new Set(roles.map((i) => i.account));
  const regions = snapshot.regions
    .filter((r) => !r.complete)
    .map((r) => {
      if (r.error)
        return `the listing of ${r.account}/${r.region} failed (${r.error.code}), so functions there may be missing`;
      const versions = snapshot.functions.filter(
        (f) => f.account === r.account && f.region === r.region && f.versionsError,
      ).length;
      const parts = [
        ...(r.failed + r.denied > 0
          ? [`${r.failed + r.denied} function(s) could not be fetched (status "failed" or "denied" in the reports)`]
          : []),
        ...(versions > 0 ? [`the versions of ${versions} function(s) could not be listed (versionsError)`] : []),
        ...unreadExposure(snapshot, r),
      ];
      return parts.length === 0 && rolesUnread.has(r.account) ? '' : `${r.account}/${r.region}: ${parts.join(', ')}`;
    })
    .filter((line) => line !== '');
  return [
    ...regions,
    ...roles.map(
      (i) =>
        `${i.account}: its execution roles could not be read (iam:GetAccountAuthorizationDetails ${i.unknown?.reason ?? ''}${i.unknown?.detail ? `: ${i.unknown.detail}` : ''}), so the role rules are not judged there`,
    ),
  ];
}
