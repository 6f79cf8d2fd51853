/**
 * Markdown for $GITHUB_STEP_SUMMARY and pull-request comments. Every value from the input (names,
 * regions, accounts, paths, messages, reasons) is a code span (src/report/escape.ts): a template
 * naming a function `[click](https://evil.example)` shows that text, not a link.
 */
import { SEVERITIES } from '../rules/types.js';
import { markdownCode, markdownText } from './escape.js';
import { crawlGaps } from './gaps.js';
import { countBySeverity } from './json.js';
import type { RunResult } from './run.js';
import { sinceLastRun } from './history.js';
import { describeReason, EXPOSURE_PATH } from './text.js';

const MAX_ROWS = 50;

export function markdownReport(run: RunResult): string {
  const active = run.findings.filter((f) => !f.suppressed);
  const counts = countBySeverity(run);
  const lines: string[] = [];
  // With --state the change opens the report: it is what the nightly reader wants first.
  const since = sinceLastRun(run);
  if (since !== undefined) lines.push(`**${since.charAt(0).toUpperCase()}${since.slice(1)}**`, '');
  lines.push(`## lambda-audit: ${active.length} finding${active.length === 1 ? '' : 's'}`, '');
  lines.push(
    `${run.snapshot.functions.length} function records in ${run.snapshot.regions.length} account-region(s); rules as of ${run.asOf}.`,
    '',
  );
  lines.push(...incompleteCrawl(run));
  const skipped = run.snapshot.skippedAccounts ?? [];
  if (skipped.length > 0)
    lines.push(
      `Skipped ${skipped.length} account(s), not crawled: ${skipped.map((a) => `${code(a.account, false)}${a.name === undefined ? '' : ` (${code(a.name, false)})`}: ${code(a.reason, false)}`).join('; ')}.`,
      '',
    );
  if (run.notJudged.length > 0) {
    lines.push('### Not judged', '', '| Rule | Functions | Why |', '|---|---:|---|');
    for (const n of run.notJudged)
      lines.push(`| ${code(n.ruleId)} | ${n.count} | ${code(n.path)} ${describeReason(n.reason)} |`);
    lines.push('');
  }
  lines.push('| Severity | Findings |', '|---|---:|');
  for (const s of SEVERITIES) lines.push(`| ${s} | ${counts[s]} |`);
  const suppressed = run.findings.length - active.length;
  if (suppressed > 0) lines.push(`| suppressed | ${suppressed} |`);
  lines.push('');

  // Exposure paths before the rest: reachable functions holding something worth reaching.
  const paths = active.filter((f) => f.ruleId === EXPOSURE_PATH);
  if (paths.length > 0) {
    lines.push('### Exposure paths', '', '| Severity | Function | Region | Path |', '|---|---|---|---|');
    for (const f of paths.slice(0, MAX_ROWS))
      lines.push(`| ${f.severity} | ${code(f.functionName)} | ${code(f.region)} | ${code(f.message)} |`);
    if (paths.length > MAX_ROWS) lines.push('', `…and ${paths.length - MAX_ROWS} more (see the JSON report).`);
    lines.push('');
  }

  const byRule = new Map<string, number>();
  for (const f of active) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  if (byRule.size > 0) {
    lines.push('### Top rules', '', '| Rule | Severity | Findings |', '|---|---|---:|');
    const top = run.rules
      .filter((r) => byRule.has(r.id))
      .sort((a, b) => (byRule.get(b.id) ?? 0) - (byRule.get(a.id) ?? 0))
      .slice(0, 10);
    for (const r of top)
      lines.push(`| ${ruleLink(r.id, r.docs)} ${markdownText(r.title)} | ${r.severity} | ${byRule.get(r.id) ?? 0} |`);
    lines.push('');
  }

  if (run.drift) {
    const d = run.drift.functions;
    const n = (kind: string): number => d.filter((f) => f.kind === kind).length;
    lines.push(
      '### Drift',
      '',
      d.length === 0
        ? 'No drift from the baselines.'
        : `${d.length} function(s) drifted from the baselines: ${n('added')} added, ${n('removed')} removed, ${n('changed')} changed.`,
      '',
    );
    if (d.length > 0) {
      lines.push('| Function | Region | Drift |', '|---|---|---|');
      for (const f of d.slice(0, MAX_ROWS))
        lines.push(
          `| ${code(f.functionName)} | ${code(f.region)} | ${f.kind === 'changed' ? f.changes.map((c) => `${c.kind} ${code(c.path)}`).join(', ') : f.kind} |`,
        );
      if (d.length > MAX_ROWS) lines.push('', `…and ${d.length - MAX_ROWS} more (see the JSON report).`);
      lines.push('');
    }
  }

  if (active.length > 0) {
    lines.push('### Findings', '', '| Severity | Rule | Function | Region | Message |', '|---|---|---|---|---|');
    for (const f of active.slice(0, MAX_ROWS))
      lines.push(
        `| ${f.severity} | ${code(f.ruleId)} | ${code(f.qualifier === '$LATEST' ? f.functionName : `${f.functionName}:${f.qualifier}`)} | ${code(f.location ? `${f.location.file}:${f.location.line}` : f.region)} | ${code(f.message)} |`,
      );
    if (active.length > MAX_ROWS)
      lines.push('', `…and ${active.length - MAX_ROWS} more (see the JSON or SARIF report).`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** A warning per account-region that could not be read in full, naming what was not read. */
function incompleteCrawl(run: RunResult): string[] {
  const byRegion = new Map<string, string[]>();
  for (const g of crawlGaps(run)) {
    const key = `${g.account}/${g.region}`;
    byRegion.set(key, [...(byRegion.get(key) ?? []), g.text]);
  }
  return [...byRegion].flatMap(([where, texts]) => [
    '> [!WARNING]',
    `> Crawl incomplete in ${code(where, false)}; findings that depend on what was not read may be missing:`,
    ...texts.map((t) => `> - ${code(t, false)}`),
    '',
  ]);
}

const code = markdownCode;

/** The rule id linked to its docs: only an http(s) URL (a policy file's `docs` could say anything). */
function ruleLink(id: string, docs: string): string {
  return /^https?:\/\/[^\s()<>]+$/i.test(docs) ? `[${code(id)}](${docs})` : code(id);
}
