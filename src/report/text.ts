/** The terminal summary: totals, incomplete-crawl warnings, the worst findings. */
import { SEVERITIES } from '../rules/types.js';
import { countBySeverity } from './json.js';
import type { RunResult } from './run.js';

const SHOWN = 25;

export function textReport(run: RunResult): string {
  const lines: string[] = [];
  const regions = run.snapshot.regions;
  const incomplete = regions.filter((r) => !r.complete);
  lines.push(`lambda-audit ${run.snapshot.tool.version}: ${run.snapshot.functions.length} function records in ${regions.length} account-region(s), rules as of ${run.asOf}`);
  for (const r of incomplete) lines.push(`  WARNING ${r.account}/${r.region} incomplete: ${r.failed} failed, ${r.denied} denied${r.error ? `, listing failed (${r.error.code})` : ''}`);
  const counts = countBySeverity(run);
  const suppressed = run.findings.filter((f) => f.suppressed).length;
  lines.push(`findings: ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}${suppressed > 0 ? ` (${suppressed} suppressed)` : ''}`);
  const byRule = new Map<string, number>();
  for (const f of run.findings) if (!f.suppressed) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  if (byRule.size > 0) {
    lines.push('by rule:');
    for (const rule of run.rules) {
      const n = byRule.get(rule.id);
      if (n) lines.push(`  ${rule.severity.padEnd(8)} ${rule.id.padEnd(30)} ${n}`);
    }
  }
  const active = run.findings.filter((f) => !f.suppressed);
  for (const f of active.slice(0, SHOWN)) lines.push(`  [${f.severity}] ${f.ruleId}: ${f.message} (${f.region})`);
  if (active.length > SHOWN) lines.push(`  ... and ${active.length - SHOWN} more (see the JSON report)`);
  for (const s of run.suppressions.filter((x) => x.status !== 'active')) lines.push(`suppression ${s.at} (${s.rule}) is ${s.status}${s.status === 'expired' ? ` since ${s.expires}; it no longer suppresses` : ': it matched no finding'}`);
  return `${lines.join('\n')}\n`;
}
