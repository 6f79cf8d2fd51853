/** The JSON report: versioned, schema in schemas/report.schema.json. */
import { SEVERITIES, type Severity } from '../rules/types.js';
import type { RunResult } from './run.js';
import { toJson } from './write.js';

export const REPORT_SCHEMA_VERSION = 1;

export function countBySeverity(run: RunResult, suppressed = false): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of run.findings) if (f.suppressed === suppressed) counts[f.severity]++;
  return counts;
}

export function jsonReport(run: RunResult): string {
  const active = run.findings.filter((f) => !f.suppressed);
  return toJson({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: run.snapshot.tool,
    generatedAt: run.snapshot.generatedAt,
    asOf: run.asOf,
    summary: {
      complete: run.snapshot.regions.every((r) => r.complete),
      functions: run.snapshot.functions.length,
      findings: active.length,
      suppressed: run.findings.length - active.length,
      bySeverity: countBySeverity(run),
    },
    crawl: run.snapshot.regions,
    rules: run.rules.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      description: r.description,
      remediation: r.remediation,
      docs: r.docs,
      ...(r.compliance === undefined ? {} : { compliance: r.compliance }),
    })),
    findings: run.findings,
    notJudged: run.notJudged,
    suppressions: run.suppressions,
    drift: run.drift ?? null,
    snapshot: run.snapshot,
  });
}
