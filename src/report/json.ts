/** The JSON report: versioned, schema in schemas/report.schema.json. */
import { fingerprint } from '../rules/fingerprint.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { jsonDocumentChunks } from './json-chunks.js';
import type { FormatOptions } from './options.js';
import type { RunResult } from './run.js';

export const REPORT_SCHEMA_VERSION = 1;

export function countBySeverity(run: RunResult, suppressed = false): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of run.findings) if (f.suppressed === suppressed) counts[f.severity]++;
  return counts;
}

/** The findings, with `--state` each with its first and last sighting, age, status and SLA mark. */
function withHistory(run: RunResult): readonly unknown[] {
  const history = run.history;
  if (history === undefined) return run.findings;
  return run.findings.map((f) => {
    const h = history.findings.get(fingerprint(f));
    return h === undefined
      ? f
      : {
          ...f,
          firstSeen: h.firstSeen,
          lastSeen: h.lastSeen,
          ageDays: h.ageDays,
          status: h.status,
          pastSla: h.pastSla,
        };
  });
}

export function jsonReport(run: RunResult, options?: Pick<FormatOptions, 'reportSnapshot'>): string {
  return [...jsonReportChunks(run, options)].join('');
}

/** The JSON report in chunks (json-chunks.ts), for writing a report too big for one string. */
export function jsonReportChunks(run: RunResult, options?: Pick<FormatOptions, 'reportSnapshot'>): Iterable<string> {
  let active = 0;
  for (const f of run.findings) if (!f.suppressed) active++;
  return jsonDocumentChunks({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: run.snapshot.tool,
    generatedAt: run.snapshot.generatedAt,
    asOf: run.asOf,
    summary: {
      complete: run.snapshot.regions.every((r) => r.complete),
      functions: run.snapshot.functions.length,
      findings: active,
      suppressed: run.findings.length - active,
      bySeverity: countBySeverity(run),
      ...(run.history === undefined
        ? {}
        : {
            sinceLastRun: {
              new: run.history.run.new,
              resolved: run.history.run.resolved,
              reopened: run.history.run.reopened,
              pastSla: run.history.pastSla,
            },
          }),
    },
    crawl: run.snapshot.regions,
    skippedAccounts: run.snapshot.skippedAccounts ?? [],
    rules: run.rules.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      description: r.description,
      remediation: r.remediation,
      docs: r.docs,
      ...(r.compliance === undefined ? {} : { compliance: r.compliance }),
    })),
    findings: withHistory(run),
    ...(run.history === undefined ? {} : { resolved: run.history.resolved }),
    notJudged: run.notJudged,
    suppressions: run.suppressions,
    drift: run.drift ?? null,
    ...(options?.reportSnapshot === true ? { snapshot: run.snapshot } : {}),
  });
}
