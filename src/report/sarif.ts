/**
 * SARIF 2.1.0 for GitHub code scanning. GitHub's upload rules shape it:
 * - one run per account, each with its own `automationDetails.id` category, so uploads for
 *   different accounts do not replace each other (an account without findings still gets its run,
 *   so its fixed alerts close);
 * - a location per result: a relative, scheme-less `aws/<account>/<region>/lambda/<function>` uri
 *   at line 1 (for infrastructure as code, the template or .tf file and line); the ARN goes in the
 *   message and in `properties`;
 * - `partialFingerprints.primaryLocationLineHash` is the finding's stable fingerprint;
 * - suppressed findings are left out (GitHub ignores `suppressions`);
 * - what the run could not read, and the accounts it skipped, are notifications of each run's
 *   invocation (`toolExecutionNotifications`), where GitHub's tool status looks;
 * - limits: 25,000 results and rules per run, 20 runs per file, 10 MB gzipped. Past them the
 *   lowest severities are dropped first, and a warning says so.
 */
import { gzipSync } from 'node:zlib';
import { fingerprint } from '../rules/fingerprint.js';
import { SEVERITIES, severityRank, type Finding, type RuleMeta, type Severity } from '../rules/types.js';
import type { SkippedAccountInfo } from '../snapshot/types.js';
import { crawlGaps, type CrawlGap } from './gaps.js';
import type { FormatOptions } from './options.js';
import type { RunResult } from './run.js';
import { historyOf } from './history.js';
import type { FindingStatus } from '../state/state.js';
import { inert, jsonInert } from './escape.js';

export const GITHUB_LIMITS = {
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  runsPerFile: 20,
  gzippedBytes: 10 * 1024 * 1024,
};

type SarifLevel = 'error' | 'warning' | 'note';
const level: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/**
 * GitHub maps these to its critical / high / medium / low labels. Info rules get none: a
 * security-severity of 0.0 shows as a "Low" security alert, so they stay plain `note` results and
 * GitHub's security counts match ours.
 */
const securitySeverity: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
};

export function sarifReport(run: RunResult, options: FormatOptions, limits = GITHUB_LIMITS): string {
  const accounts = [
    ...new Set([...run.snapshot.regions.map((r) => r.account), ...run.findings.map((f) => f.account)]),
  ].sort();
  if (accounts.length > limits.runsPerFile) {
    options.warn(
      `SARIF: ${accounts.length} accounts but GitHub accepts ${limits.runsPerFile} runs per file; left out accounts ${accounts.slice(limits.runsPerFile).join(', ')} (scan them separately)`,
    );
  }
  const rules = run.rules.slice(0, limits.rulesPerRun);
  if (run.rules.length > limits.rulesPerRun)
    options.warn(
      `SARIF: ${run.rules.length} rules; GitHub accepts ${limits.rulesPerRun} per run, the rest are left out`,
    );
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const active = run.findings.filter((f) => !f.suppressed && ruleIndex.has(f.ruleId));
  let perAccount = accounts.slice(0, limits.runsPerFile).map((account) => ({
    account,
    findings: capResults(
      active.filter((f) => f.account === account),
      limits.resultsPerRun,
      account,
      options,
    ),
  }));

  const render = (): string => jsonInert(JSON.stringify(document(run, rules, ruleIndex, perAccount), null, 2)) + '\n';
  let text = render();
  // Over the size limit: drop the lowest severity left, everywhere, until it fits.
  for (const severity of [...SEVERITIES].reverse()) {
    if (gzipSync(text).length <= limits.gzippedBytes) break;
    const dropped = perAccount.reduce((n, a) => n + a.findings.filter((f) => f.severity === severity).length, 0);
    perAccount = perAccount.map((a) => ({ ...a, findings: a.findings.filter((f) => f.severity !== severity) }));
    options.warn(
      `SARIF: over GitHub's ${limits.gzippedBytes / 1024 / 1024} MB gzipped limit; left out ${dropped} ${severity} results`,
    );
    text = render();
  }
  return text;
}

function capResults(findings: Finding[], max: number, account: string, options: FormatOptions): Finding[] {
  if (findings.length <= max) return findings;
  const kept = [...findings].sort((a, b) => severityRank[b.severity] - severityRank[a.severity]).slice(0, max);
  const lowest = kept[kept.length - 1]?.severity ?? 'info';
  options.warn(
    `SARIF: account ${account} has ${findings.length} results; GitHub accepts ${max} per run, so ${findings.length - max} of the lowest severities (${lowest} and below) are left out`,
  );
  return kept;
}

function document(
  run: RunResult,
  rules: readonly RuleMeta[],
  ruleIndex: ReadonlyMap<string, number>,
  perAccount: readonly { account: string; findings: Finding[] }[],
): unknown {
  const gaps = crawlGaps(run);
  const skipped = run.snapshot.skippedAccounts ?? [];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: perAccount.map(({ account, findings }) => ({
      tool: {
        driver: { name: 'lambda-audit', semanticVersion: run.snapshot.tool.version, rules: rules.map(sarifRule) },
      },
      automationDetails: { id: `lambda-audit/${account}/` },
      invocations: [
        invocation(
          gaps.filter((g) => g.account === account),
          skipped,
        ),
      ],
      results: findings.map((f) => sarifResult(f, ruleIndex.get(f.ruleId) ?? 0, historyOf(run, f)?.status)),
      properties: {
        account,
        asOf: run.asOf,
        complete: run.snapshot.regions.filter((r) => r.account === account).every((r) => r.complete),
      },
    })),
  };
}

function sarifRule(rule: RuleMeta): unknown {
  return {
    id: rule.id,
    name: rule.id
      .split(/[/-]/)
      .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    helpUri: rule.docs,
    help: {
      text: `${rule.remediation}\nDocumentation: ${rule.docs}`,
      markdown: `**Remediation:** ${rule.remediation}\n\n[Documentation](${rule.docs})`,
    },
    defaultConfiguration: { level: level[rule.severity] },
    properties: ruleProperties(rule),
  };
}

function ruleProperties(rule: RuleMeta): Record<string, unknown> {
  const severity = securitySeverity[rule.severity];
  const compliance = rule.compliance ?? [];
  return {
    ...(severity === undefined ? {} : { 'security-severity': severity }),
    tags: [
      'security',
      'aws',
      'lambda',
      ...(rule.id.startsWith('drift/') ? ['drift'] : []),
      ...compliance.map((c) => `${c.framework}/${c.control}`),
    ],
    precision: 'very-high',
    ...(compliance.length === 0 ? {} : { compliance }),
  };
}

/**
 * The run's invocation: `executionSuccessful` is false when something could not be read, and a
 * notification per gap says what, so GitHub's tool status shows an incomplete scan. Accounts the
 * organisation run left out (suspended, closed, excluded) follow as `note`s: not a failure, but
 * a reader of any run, in any of the split files, learns the run did not cover them. They have
 * no run of their own: an empty run would close their open alerts.
 */
function invocation(gaps: readonly CrawlGap[], skipped: readonly SkippedAccountInfo[]): unknown {
  const notifications = [
    ...gaps.map((g) => ({
      level: 'warning',
      descriptor: { id: 'crawl-incomplete' },
      message: { text: inert(`${g.account}/${g.region}: ${g.text}`) },
    })),
    ...skipped.map((a) => ({
      level: 'note',
      descriptor: { id: 'account-skipped' },
      message: {
        text: inert(
          `account ${a.account}${a.name === undefined ? '' : ` (${a.name})`} skipped, not crawled: ${a.reason}`,
        ),
      },
      properties: { account: a.account, ...(a.name === undefined ? {} : { name: a.name }), reason: a.reason },
    })),
  ];
  return {
    executionSuccessful: gaps.length === 0,
    ...(notifications.length === 0 ? {} : { toolExecutionNotifications: notifications }),
  };
}

export function artifactUri(f: Pick<Finding, 'account' | 'region' | 'functionName' | 'qualifier'>): string {
  const parts = [
    'aws',
    f.account,
    f.region,
    'lambda',
    f.functionName,
    ...(f.qualifier === '$LATEST' ? [] : [f.qualifier]),
  ];
  return parts.map((p) => encodeURIComponent(p)).join('/');
}

/** Infrastructure as code: the template or .tf line, so GitHub annotates the pull request's own lines. */
function sarifLocation(f: Finding): unknown {
  const at = f.location;
  if (at === undefined)
    return { physicalLocation: { artifactLocation: { uri: artifactUri(f) }, region: { startLine: 1 } } };
  const uri = at.file.split('/').map(encodeURIComponent).join('/');
  return {
    physicalLocation: {
      artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
      region: { startLine: at.line, ...(at.column === undefined ? {} : { startColumn: at.column }) },
    },
    ...(at.resource === undefined
      ? {}
      : { logicalLocations: [{ fullyQualifiedName: inert(at.resource), kind: 'resource' }] }),
  };
}

/**
 * SARIF's baselineState with `--state`: `new` for a finding first seen (or seen again after being
 * fixed) in this run, `unchanged` for one seen before. Fixed findings are left out, not sent as
 * `absent`: GitHub code scanning closes an alert whose result is no longer uploaded, and would
 * keep one open for a result it is given, whatever its baselineState.
 */
function sarifResult(f: Finding, index: number, status?: FindingStatus): unknown {
  return {
    ruleId: f.ruleId,
    ruleIndex: index,
    level: level[f.severity],
    // Plain text, shown by GitHub as it is: made inert (no control or bidi character); no markdown.
    message: { text: inert(`${f.message} (${f.arn})`) },
    locations: [sarifLocation(f)],
    // An exposure path points at the findings it is made of: same place, their rule and message.
    ...(f.related === undefined
      ? {}
      : {
          relatedLocations: f.related.map((r, id) => ({
            id,
            ...(sarifLocation(f) as object),
            message: { text: `${r.ruleId} (${r.trait}): ${r.message}` },
          })),
        }),
    partialFingerprints: { primaryLocationLineHash: fingerprint(f) },
    ...(status === undefined ? {} : { baselineState: status === 'open' ? 'unchanged' : 'new' }),
    properties: {
      arn: f.arn,
      account: f.account,
      region: f.region,
      functionName: f.functionName,
      qualifier: f.qualifier,
      severity: f.severity,
      ...(f.new === undefined ? {} : { new: f.new }),
      ...(f.traits === undefined ? {} : { traits: f.traits }),
    },
  };
}
