/** `lambda-audit scan`: snapshot (crawl, demo or --input), evaluate, drift, write the outputs. */
import { resolve } from 'node:path';
import { DEFAULT_BASELINE_DIR } from '../drift/baseline.js';
import { compareWithBaselines, loadBaselines, type DriftReport } from '../drift/compare.js';
import { driftFindings } from '../drift/findings.js';
import { loadDriftPolicy } from '../drift/policy.js';
import { ExitCode } from '../errors.js';
import { loadRuleSet, loadSuppressions } from '../policy/load.js';
import { applySuppressions } from '../policy/suppressions.js';
import { formatters, type RunResult } from '../report/formats.js';
import { gate, type FailOn } from '../report/gate.js';
import { writeFileSafely } from '../report/write.js';
import { acceptedFindingsDocument, markNew, readAcceptedFindings } from '../rules/accepted.js';
import { compareFindings, evaluate } from '../rules/evaluate.js';
import { isComplete } from '../snapshot/build.js';
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
  /** False with --no-color. */
  readonly color: boolean;
}

export async function runScan(flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const log = logTo(io, flags.quiet);
  // Everything the user wrote is checked before anything is crawled: a typo costs no API calls.
  const asOf = flags.asOf ?? io.now();
  const rules = await loadRuleSet({
    policyFiles: flags.policy,
    builtin: flags.builtin,
    asOf,
    cwd: io.cwd,
    ...(flags.config === undefined ? {} : { configFile: flags.config }),
  });
  const driftPolicy = flags.drift ? await loadDriftPolicy(flags.driftPolicy, io.cwd) : undefined;
  const ruleIds = new Set([...rules.map((r) => r.id), ...(driftPolicy?.rules.map((r) => r.id) ?? [])]);
  const suppressions =
    flags.suppressions === undefined ? [] : await loadSuppressions(flags.suppressions, ruleIds, io.cwd);
  const accepted =
    flags.acceptedFindings === undefined
      ? undefined
      : await readAcceptedFindings(resolve(io.cwd, flags.acceptedFindings));
  const baselineDir = resolve(io.cwd, flags.baseline ?? DEFAULT_BASELINE_DIR);
  const baselines = driftPolicy === undefined ? new Map() : await loadBaselines(baselineDir);
  // Drift is on when asked for (--baseline), or when the default directory holds a baseline.
  const useDrift = driftPolicy !== undefined && (flags.baseline !== undefined || baselines.size > 0);

  const snapshot = await acquireSnapshot(flags, io, log);

  const evaluation = evaluate(snapshot.functions, rules);
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
  if (flags.onlyNew) findings = findings.filter((f) => f.new !== false);

  const run: RunResult = {
    snapshot,
    asOf: asOf.toISOString().slice(0, 10),
    rules: [...rules, ...(useDrift && driftPolicy ? driftPolicy.rules : [])],
    findings,
    notJudged: evaluation.notJudged,
    suppressions: applied.statuses,
    drift,
  };
  await writeOutputs(run, flags, io, log);
  const verdict = gate(run, flags.failOn, flags.failOnDrift);
  const complete = isComplete(snapshot);
  if (!complete) log(`crawl incomplete: ${incompleteReasons(snapshot).join('; ')}`);
  if (verdict.failed) {
    log(`gate failed: ${verdict.reasons.join('; ')}; exit 1`);
    return ExitCode.gateFailed;
  }
  return complete ? ExitCode.ok : ExitCode.crawlIncomplete;
}

async function writeOutputs(run: RunResult, flags: ScanFlags, io: CliIo, log: (line: string) => void): Promise<void> {
  const specs = flags.output;
  // stderr, not the log: a warning about a report must show even with --quiet.
  const warn = (line: string): void => void io.stderr.write(`lambda-audit: ${line}\n`);
  const stdoutColor = flags.color && io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
  const dir = `reports/${fileTimestamp(io.now())}`;
  const outputs: readonly OutputSpec[] =
    specs.length > 0
      ? specs
      : [
          { format: 'text' },
          { format: 'json', path: `${dir}/report.json` },
          { format: 'sarif', path: `${dir}/report.sarif` },
          { format: 'snapshot', path: `${dir}/snapshot.json` },
        ];
  for (const spec of outputs) {
    const toStdout = spec.path === undefined;
    const content = formatters[spec.format as keyof typeof formatters](run, { color: toStdout && stdoutColor, warn });
    if (spec.path === undefined) {
      io.stdout.write(content);
    } else {
      await writeFileSafely(resolve(io.cwd, spec.path), content);
      log(`wrote ${spec.format} to ${spec.path}`);
    }
  }
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
  return snapshot.regions
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
      return `${r.account}/${r.region}: ${parts.join(', ')}`;
    });
}
