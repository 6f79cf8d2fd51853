/** JUnit XML for CI test tabs: a suite per rule, a failing case per finding, a passing case for a clean rule. */
import { crawlGaps, type CrawlGap } from './gaps.js';
import type { SkippedAccountInfo } from '../snapshot/types.js';
import type { RunResult } from './run.js';

export function junitReport(run: RunResult): string {
  const active = run.findings.filter((f) => !f.suppressed);
  const suites = run.rules.map((rule) => {
    const findings = active.filter((f) => f.ruleId === rule.id);
    const cases =
      findings.length === 0
        ? [`    <testcase classname="${xml(rule.id)}" name="no findings"/>`]
        : findings.map((f) =>
            [
              `    <testcase classname="${xml(rule.id)}" name="${xml(f.arn)}">`,
              `      <failure type="${f.severity}" message="${xml(f.message)}">${xml(`${rule.title}\n${f.message}\nRemediation: ${rule.remediation}\n${rule.docs}`)}</failure>`,
              '    </testcase>',
            ].join('\n'),
          );
    return [
      `  <testsuite name="${xml(rule.id)}" tests="${Math.max(1, findings.length)}" failures="${findings.length}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const gaps = crawlGaps(run);
  const skipped = run.snapshot.skippedAccounts ?? [];
  const tests =
    run.rules.reduce((n, r) => n + Math.max(1, active.filter((f) => f.ruleId === r.id).length), 0) +
    gaps.length +
    skipped.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lambda-audit" tests="${tests}" failures="${active.length + gaps.length}"${skippedAttr(skipped)}>`,
    ...crawlSuite(gaps, skipped),
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * An incomplete crawl fails a `crawl` suite, a case per gap naming what was not read; an account
 * the run left out (suspended, closed, excluded) is a skipped case there, so the CI tab shows it.
 */
function crawlSuite(gaps: readonly CrawlGap[], skipped: readonly SkippedAccountInfo[]): string[] {
  if (gaps.length + skipped.length === 0) return [];
  return [
    `  <testsuite name="crawl" tests="${gaps.length + skipped.length}" failures="${gaps.length}"${skippedAttr(skipped)}>`,
    ...gaps.map((g) =>
      [
        `    <testcase classname="crawl" name="${xml(`${g.account}/${g.region}`)}">`,
        `      <failure type="incomplete" message="${xml(g.text)}">${xml(`Crawl incomplete in ${g.account}/${g.region}: ${g.text}`)}</failure>`,
        '    </testcase>',
      ].join('\n'),
    ),
    ...skipped.map((s) =>
      [
        `    <testcase classname="crawl" name="${xml(s.name === undefined ? s.account : `${s.account} (${s.name})`)}">`,
        `      <skipped message="${xml(`account skipped, not crawled: ${s.reason}`)}"/>`,
        '    </testcase>',
      ].join('\n'),
    ),
    '  </testsuite>',
  ];
}

/** `skipped="N"` when some accounts were skipped (nothing otherwise, as before there were any). */
function skippedAttr(skipped: readonly unknown[]): string {
  return skipped.length === 0 ? '' : ` skipped="${skipped.length}"`;
}

function xml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five specials are escaped.
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters XML forbids is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
