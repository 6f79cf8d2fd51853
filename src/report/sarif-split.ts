/**
 * SARIF at organisation size. GitHub takes at most 20 runs per file and 10 MB gzipped, and this
 * tool writes one run per account: past 20 accounts, or past the size, one file cannot hold the
 * organisation. Rather than leave accounts out, the accounts are split over several files, each
 * within the limits, each account keeping its own run and category (`lambda-audit/<account>/`),
 * so uploading all of them (a directory, to github/codeql-action/upload-sarif) covers every account.
 * The per-run result limit still applies inside one account (sarif.ts drops its lowest severities).
 */
import { gzipSync } from 'node:zlib';
import type { FormatOptions } from './options.js';
import type { RunResult } from './run.js';
import { GITHUB_LIMITS, sarifReport } from './sarif.js';

export interface SarifPart {
  /** The accounts whose runs this file holds, sorted. */
  readonly accounts: readonly string[];
  readonly content: string;
}

/** The accounts of a run, as sarif.ts orders them. */
function accountsOf(run: RunResult): string[] {
  return [...new Set([...run.snapshot.regions.map((r) => r.account), ...run.findings.map((f) => f.account)])].sort();
}

/** The run restricted to some accounts: what one SARIF file says. */
function forAccounts(run: RunResult, accounts: ReadonlySet<string>): RunResult {
  return {
    ...run,
    snapshot: {
      ...run.snapshot,
      regions: run.snapshot.regions.filter((r) => accounts.has(r.account)),
      functions: run.snapshot.functions.filter((f) => accounts.has(f.account)),
    },
    findings: run.findings.filter((f) => accounts.has(f.account)),
  };
}

/**
 * One SARIF document per group of at most `runsPerFile` accounts; a group over the gzipped size is
 * halved until it fits. Only one account alone over the size loses results (sarif.ts's severity
 * cut, with its warning). A run that fits one file gives exactly what `sarifReport` gives.
 */
export function sarifParts(run: RunResult, options: FormatOptions, limits = GITHUB_LIMITS): SarifPart[] {
  const accounts = accountsOf(run);
  const parts: SarifPart[] = [];
  const render = (group: readonly string[]): void => {
    const subset = group.length === accounts.length ? run : forAccounts(run, new Set(group));
    const pending: string[] = [];
    const uncut = sarifReport(
      subset,
      { ...options, warn: (w) => pending.push(w) },
      { ...limits, gzippedBytes: Infinity },
    );
    if (gzipSync(uncut).length <= limits.gzippedBytes) {
      for (const w of pending) options.warn(w);
      parts.push({ accounts: group, content: uncut });
    } else if (group.length > 1) {
      const half = Math.ceil(group.length / 2);
      render(group.slice(0, half));
      render(group.slice(half));
    } else {
      parts.push({ accounts: group, content: sarifReport(subset, options, limits) });
    }
  };
  if (accounts.length === 0) render([]);
  for (let i = 0; i < accounts.length; i += limits.runsPerFile) render(accounts.slice(i, i + limits.runsPerFile));
  return parts;
}

/** `r.sarif`, `r-2.sarif`, `r-3.sarif`, ...: the first file keeps the name asked for. */
export function sarifPartPath(path: string, index: number): string {
  if (index === 0) return path;
  const m = /^(.*?)(\.sarif)?$/i.exec(path)!;
  return `${m[1]}-${index + 1}${m[2] ?? '.sarif'}`;
}
