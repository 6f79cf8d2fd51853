/**
 * `lambda-audit scan`: snapshot (crawl, demo or --input), evaluate, drift, write the outputs. This
 * module checks everything the user wrote and gets the snapshot; ./scan-finish.ts does the rest.
 */
import { resolve } from 'node:path';
import { crawlUnderWay } from '../crawl/lane.js';
import { DEFAULT_BASELINE_DIR } from '../defaults.js';
import type { Baseline } from '../drift/baseline.js';
import type { DriftPolicy } from '../drift/policy.js';
import { AuditError, type ExitCode } from '../errors.js';
import type { CompiledRule, RuleMeta } from '../rules/types.js';
import type { AcceptedEntry } from '../rules/accepted.js';
import type { VerdictsAhead } from '../rules/ahead.js';
import { loadRuleSet, loadSla, loadSuppressions } from '../policy/load.js';
import type { Suppression } from '../policy/suppressions.js';
import type { FailOn } from '../report/names.js';
import { checkWritable } from '../report/write.js';
import type { FindingsState, Sla } from '../state/state.js';
import type { FunctionRecord } from '../snapshot/types.js';
import { fileTimestamp, logTo, type CliIo } from './io.js';
import type { OutputSpec } from './options.js';
import { acquireSnapshot, type SourceFlags } from './source.js';
import type * as Finish from './scan-finish.js';

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

/** What runScan checked and read before the snapshot, for ./scan-finish.ts. */
export interface ScanInputs {
  readonly asOf: Date;
  readonly rules: readonly CompiledRule[];
  readonly sla: Sla;
  readonly previousState: FindingsState | undefined;
  readonly driftPolicy: DriftPolicy | undefined;
  readonly suppressions: readonly Suppression[];
  readonly acceptedEntries: readonly AcceptedEntry[] | undefined;
  readonly accepted: ReadonlySet<string> | undefined;
  readonly baselineDir: string;
  readonly baselines: ReadonlyMap<string, Baseline>;
  readonly useDrift: boolean;
  readonly outputs: readonly OutputSpec[];
  /** Verdicts the rules gave while the crawl went, on the records it completed (ahead.ts). */
  readonly ahead: VerdictsAhead | undefined;
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
    flags.state === undefined
      ? undefined
      : await (await import('../state/file.js')).readState(resolve(io.cwd, flags.state), flags.state);
  const rules = flags.compliance === undefined ? loaded : rulesOfFramework(loaded, flags.compliance);
  const driftPolicy = flags.drift
    ? await (await import('../drift/policy.js')).loadDriftPolicy(flags.driftPolicy, io.cwd)
    : undefined;
  // Suppressions may name any loaded rule, also one --compliance leaves out.
  const ruleIds = new Set([...loaded.map((r) => r.id), ...(driftPolicy?.rules.map((r) => r.id) ?? [])]);
  const suppressions =
    flags.suppressions === undefined ? [] : await loadSuppressions(flags.suppressions, ruleIds, io.cwd);
  const acceptedEntries =
    flags.acceptedFindings === undefined
      ? undefined
      : await (await import('../rules/accepted.js')).readAcceptedEntries(resolve(io.cwd, flags.acceptedFindings));
  const accepted = acceptedEntries && new Set(acceptedEntries.map((e) => e.fingerprint));
  const baselineDir = resolve(io.cwd, flags.baseline ?? DEFAULT_BASELINE_DIR);
  const baselines =
    driftPolicy === undefined
      ? new Map<string, Baseline>()
      : await (await import('../drift/compare.js')).loadBaselines(baselineDir);
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

  // The second half (rules engine, drift, formats: about 80 modules) is imported while the crawl's
  // GetFunction calls go, and the rules judge the records the crawl has completed while it waits
  // on its quota (judgeAhead). See finishWhenIdle.
  const completed: FunctionRecord[] = [];
  let ahead: VerdictsAhead | undefined;
  const finish = finishWhenIdle((loaded, cancelled) => {
    const judged = new loaded.VerdictsAhead(rules);
    ahead = judged;
    return loaded.judgeAhead(completed, judged, cancelled);
  });
  let snapshot;
  try {
    snapshot = await acquireSnapshot(flags, io, log, { onCompleted: (record) => completed.push(record) });
  } finally {
    finish.cancel();
  }
  const { finishScan } = await finish.load();
  return finishScan(snapshot, flags, io, log, {
    asOf,
    rules,
    sla,
    previousState,
    driftPolicy,
    suppressions,
    acceptedEntries,
    accepted,
    baselineDir,
    baselines,
    useDrift,
    outputs,
    ahead,
  });
}

/**
 * Imports ./scan-finish.ts once the crawl is under way (`crawlUnderWay`: this thread's listing is
 * done, or a second has passed without a crawl here: --input, --iac, a crawl in crawler threads),
 * or when the snapshot is there if that comes first (`load()` starts it). Not before the crawl's
 * first request (it would wait for the import), not during the listing (its stalls would clump the
 * shared lane's requests, crawler.ts), not after the crawl (the run's end would wait for it): while
 * the GetFunction calls go, an import's stalls are short (one module at a time) and their lane
 * catches them up. Once imported during the crawl, `whileCrawling` runs, until `cancel()`.
 */
function finishWhenIdle(whileCrawling: (loaded: typeof Finish, cancelled: () => boolean) => Promise<void>): {
  load: () => Promise<typeof Finish>;
  cancel: () => void;
} {
  let loading: Promise<typeof Finish> | undefined;
  let cancelled = false;
  const start = (): Promise<typeof Finish> => {
    loading ??= import('./scan-finish.js');
    return loading;
  };
  void crawlUnderWay().then(async () => {
    if (cancelled) return;
    try {
      const loaded = await start();
      if (!cancelled) await whileCrawling(loaded, () => cancelled);
    } catch {
      // An import error surfaces from load(); verdicts not worked out ahead are worked out after.
    }
  });
  return { load: start, cancel: () => (cancelled = true) };
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
