/** `lambda-audit scan`: snapshot (crawl, demo or --input), evaluate, drift, write the outputs. */
import { resolve } from 'node:path';
import { DEFAULT_BASELINE_DIR } from '../drift/baseline.js';
import { compareWithBaselines, loadBaselines, type DriftReport } from '../drift/compare.js';
import { driftFindings } from '../drift/findings.js';
import { loadDriftPolicy } from '../drift/policy.js';
import { AuditError, ExitCode } from '../errors.js';
import type { Finding, RuleMeta } from '../rules/types.js';
import { loadRuleSet, loadSla, loadSuppressions } from '../policy/load.js';
import { applySuppressions } from '../policy/suppressions.js';
import { sarifPartPath, sarifParts } from '../report/sarif-split.js';
import { chunkedFormatters, formatters, type RunResult } from '../report/formats.js';
import { gate, type FailOn } from '../report/gate.js';
import { batched, checkWritable, writeAll, writeFileSafely, type FileContent } from '../report/write.js';
import { acceptedFindingsDocument, goneSinceAccepted, markNew, readAcceptedEntries } from '../rules/accepted.js';
import { evaluateSnapshot } from '../iac/variants.js';
import { compareFindings } from '../rules/evaluate.js';
import { isComplete } from '../snapshot/build.js';
import { readState, stateChunks } from '../state/file.js';
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
import { fingerprint } from '../rules/fingerprint.js';
import type { RunHistory } from '../report/run.js';
import { fileTimestamp, logTo, type CliIo } from './io.js';
import type { OutputSpec } from './options.js';
import { acquireSnapshot, type SourceFlags } from './source.js';

export interface ScanFlags extends SourceFlags {
  readonly output: OutputSpec[];
  readonly policy: string[];
  readonly builtin: boolean;
  readonly config?: string;
  readonly suppressions?: string;
  readonly asOf?: Date;
  /** Only rules mapped to this compliance framework (and no drift findings). */
  readonly compliance?: string;
  /** A directory, or false for --no-drift. */
  readonly baseline?: string;
  readonly drift: boolean;
  readonly driftIgnore: string[];
  readonly driftPolicy?: string;
  readonly acceptFindings?: string;
  readonly acceptedFindings?: string;
  readonly onlyNew: boolean;
  readonly failOn: FailOn;
  readonly failOnDrift: boolean;
  /** --state FILE: the findings state, read before the crawl and written with the reports. */
  readonly state?: string;
  /** Exit 1 when a finding (not suppressed) is past its SLA (needs --state and an `sla` config section). */
  readonly failOnSla?: boolean;
  /** --state-keep-resolved-days N: resolved entries older than this are dropped from the state. @default 90 */
  readonly stateKeepResolvedDays?: number;
  /** False with --no-color. */
  readonly color: boolean;
  /** --report-snapshot: the JSON report also holds the snapshot. */
  readonly reportSnapshot?: boolean;
}

export async function runScan(flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const log = logTo(io, flags.quiet);
  // Everything the user wrote is checked before anything is crawled: a typo costs no API calls.
  const asOf = flags.asOf ?? io.now();
  const loaded = await loadRuleSet({
    policyFiles: flags.policy,
    builtin: flags.builtin,
    asOf,
    cwd: io.cwd,
    ...(flags.config === undefined ? {} : { configFile: flags.config }),
  });
  const sla = await loadSla(flags.config, io.cwd);
  if (flags.stateKeepResolvedDays !== undefined && flags.state === undefined)
    throw new AuditError('E_USAGE', '--state-keep-resolved-days goes with --state FILE (it prunes the findings state)');
  if (flags.failOnSla === true && flags.state === undefined)
    throw new AuditError('E_USAGE', "--fail-on-sla needs --state FILE (a finding's age comes from the findings state)");
  if (flags.failOnSla === true && Object.keys(sla).length === 0)
    throw new AuditError(
      'E_USAGE',
      '--fail-on-sla needs an `sla` section in the --config file (days per severity, for example critical: 7); see docs/reports.md',
    );
  // The state is read and checked now: a bad file costs no API calls.
  const previousState: FindingsState | undefined =
    flags.state === undefined ? undefined : await readState(resolve(io.cwd, flags.state), flags.state);
  const rules = flags.compliance === undefined ? loaded : rulesOfFramework(loaded, flags.compliance);
  const driftPolicy = flags.drift ? await loadDriftPolicy(flags.driftPolicy, io.cwd) : undefined;
  // Suppressions may name any loaded rule, also one --compliance leaves out.
  const ruleIds = new Set([...loaded.map((r) => r.id), ...(driftPolicy?.rules.map((r) => r.id) ?? [])]);
  const suppressions =
    flags.suppressions === undefined ? [] : await loadSuppressions(flags.suppressions, ruleIds, io.cwd);
  const acceptedEntries =
    flags.acceptedFindings === undefined
      ? undefined
      : await readAcceptedEntries(resolve(io.cwd, flags.acceptedFindings));
  const accepted = acceptedEntries && new Set(acceptedEntries.map((e) => e.fingerprint));
  const baselineDir = resolve(io.cwd, flags.baseline ?? DEFAULT_BASELINE_DIR);
  const baselines = driftPolicy === undefined ? new Map() : await loadBaselines(baselineDir);
  // Drift is on when asked for (--baseline), or when the default directory holds a baseline.
  const useDrift =
    driftPolicy !== undefined && flags.compliance === undefined && (flags.baseline !== undefined || baselines.size > 0);

  // So are the outputs: an unwritable path must not cost a crawl, nor leave other reports behind.
  const outputs = outputSpecs(flags, io);
  for (const path of [
    ...outputs.flatMap((o) => o.path ?? []),
    ...(flags.acceptFindings === undefined ? [] : [flags.acceptFindings]),
    ...(flags.state === undefined ? [] : [flags.state]),
  ])
    await checkWritable(resolve(io.cwd, path), path);

  const snapshot = await acquireSnapshot(flags, io, log);

  const evaluation = evaluateSnapshot(snapshot, rules);
  let findings = evaluation.findings;
  let drift: DriftReport | undefined;
  if (useDrift) {
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

/** `--compliance`: the rules mapped to one framework; a framework no rule maps to is a usage error. */
function rulesOfFramework<R extends RuleMeta>(rules: readonly R[], framework: string): R[] {
  const kept = rules.filter((r) => r.compliance?.some((c) => c.framework === framework));
  if (kept.length === 0) {
    const known = [...new Set(rules.flatMap((r) => r.compliance?.map((c) => c.framework) ?? []))].sort();
    throw new AuditError(
      'E_USAGE',
      `--compliance ${framework}: no loaded rule maps to that framework; frameworks of the loaded rules: ${known.join(', ') || '(none)'}`,
    );
  }
  return kept;
}

/** The --output specs, or the default set under reports/<timestamp>/. */
function outputSpecs(flags: ScanFlags, io: CliIo): readonly OutputSpec[] {
  if (flags.output.length > 0) return flags.output;
  const dir = `reports/${fileTimestamp(io.now())}`;
  return [
    { format: 'text' },
    { format: 'json', path: `${dir}/report.json` },
    { format: 'sarif', path: `${dir}/report.sarif` },
    { format: 'html', path: `${dir}/report.html` },
    { format: 'snapshot', path: `${dir}/snapshot.json` },
  ];
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
