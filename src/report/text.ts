/**
 * The terminal summary: totals, incomplete-crawl warnings, the worst findings. Input text is made
 * inert (src/report/escape.ts): no escape sequence from a name or message reaches the terminal;
 * only our own colours do.
 */
import { SEVERITIES, type Severity } from '../rules/types.js';
import { inert } from './escape.js';
import type { UnknownReason } from '../snapshot/types.js';
import { countBySeverity } from './json.js';
import type { FormatOptions } from './options.js';
import type { RunResult } from './run.js';
import { sinceLastRun } from './history.js';

const SHOWN = 25;
/** The rule whose findings open the reports (src/rules/checks/exposure-path.ts). */
export const EXPOSURE_PATH = 'exposure-path';
const ansi: Record<Severity, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

export function textReport(run: RunResult, options: FormatOptions): string {
  const paint = (severity: Severity, text: string): string =>
    options.color ? `${ansi[severity]}${text}\x1b[0m` : text;
  // Lines without colour are made inert whole; coloured ones value by value (`inert` would strip the colours).
  const painted: string[] = [];
  const lines = {
    push: (...texts: string[]): void => void painted.push(...texts.map(inert)),
    painted: (text: string): void => void painted.push(text),
  };
  const regions = run.snapshot.regions;
  const incomplete = regions.filter((r) => !r.complete);
  // With --state the change opens the report: it is what the nightly reader wants first.
  const since = sinceLastRun(run);
  if (since !== undefined) lines.push(since);
  lines.push(
    `lambda-audit ${run.snapshot.tool.version}: ${run.snapshot.functions.length} function records in ${regions.length} account-region(s), rules as of ${run.asOf}`,
  );
  for (const r of incomplete)
    lines.push(
      `  WARNING ${r.account}/${r.region} incomplete: ${r.failed} failed, ${r.denied} denied${r.error ? `, listing failed (${r.error.code}${r.error.message ? `: ${r.error.message}` : ''})` : ''}`,
    );
  const skipped = run.snapshot.skippedAccounts ?? [];
  if (skipped.length > 0)
    lines.push(
      `  skipped ${skipped.length} account(s): ${skipped.map((a) => `${a.account}${a.name === undefined ? '' : ` (${a.name})`}: ${a.reason}`).join('; ')}`,
    );
  const counts = countBySeverity(run);
  const suppressed = run.findings.filter((f) => f.suppressed).length;
  lines.painted(
    `findings: ${SEVERITIES.map((s) => paint(s, `${counts[s]} ${s}`)).join(', ')}${suppressed > 0 ? ` (${suppressed} suppressed)` : ''}`,
  );
  // Exposure paths first: reachable functions that hold something worth reaching, worst first.
  const paths = run.findings.filter((f) => !f.suppressed && f.ruleId === EXPOSURE_PATH);
  if (paths.length > 0) {
    lines.push(`exposure paths: ${paths.length}`);
    for (const f of paths.slice(0, SHOWN))
      lines.painted(
        `  ${paint(f.severity, `[${f.severity}]`)} ${inert(`${f.message} (${f.location ? `${f.location.file}:${f.location.line}` : f.arn})`)}`,
      );
    if (paths.length > SHOWN) lines.push(`  ... and ${paths.length - SHOWN} more (see the JSON report)`);
  }
  const byRule = new Map<string, number>();
  for (const f of run.findings) if (!f.suppressed) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  if (byRule.size > 0) {
    lines.push('by rule:');
    for (const rule of run.rules) {
      const n = byRule.get(rule.id);
      if (n) lines.painted(`  ${paint(rule.severity, rule.severity.padEnd(8))} ${inert(rule.id).padEnd(30)} ${n}`);
    }
  }
  const active = run.findings.filter((f) => !f.suppressed);
  for (const f of active.slice(0, SHOWN))
    lines.painted(
      `  ${paint(f.severity, `[${f.severity}]`)} ${inert(`${f.ruleId}: ${f.message} (${f.location ? `${f.location.file}:${f.location.line}` : f.region})`)}`,
    );
  if (active.length > SHOWN) lines.push(`  ... and ${active.length - SHOWN} more (see the JSON report)`);
  if (run.drift) {
    const d = run.drift.functions;
    lines.push(
      `drift: ${d.length === 0 ? 'none' : `${d.length} function(s) differ from the baselines (${d.filter((f) => f.kind === 'added').length} added, ${d.filter((f) => f.kind === 'removed').length} removed, ${d.filter((f) => f.kind === 'changed').length} changed)`}`,
    );
  }
  if (run.notJudged.length > 0) {
    lines.push('not judged (a part the rule needs was not read or is unknown before deploy):');
    for (const n of run.notJudged)
      lines.push(
        `  ${n.ruleId.padEnd(30)} ${String(n.count).padStart(6)} function(s): ${n.path} ${describeReason(n.reason)}`,
      );
  }
  for (const s of run.suppressions.filter((x) => x.status !== 'active'))
    lines.push(
      `suppression ${s.at} (${s.rule}) is ${s.status}${s.status === 'expired' ? ` since ${s.expires}; it no longer suppresses` : ': it matched no finding'}`,
    );
  return `${painted.join('\n')}\n`;
}

export function describeReason(reason: UnknownReason): string {
  return notJudgedReason[reason];
}

const notJudgedReason: Record<UnknownReason, string> = {
  denied: 'could not be read (access denied)',
  failed: 'could not be read (failed after retries)',
  skipped: 'was not read',
  'not-in-input': 'is not in the input',
  'plan-time': 'is unknown until deploy',
  'other-account': 'is in another account, not read',
};
