/** JUnit XML for CI test tabs: a suite per rule, a failing case per finding, a passing case for a clean rule. */
import { crawlGaps, type CrawlGap } from './gaps.js';
import type { SkippedAccountInfo } from '../snapshot/types.js';
import type { RunResult } from './run.js';
import { inert, xmlText } from './escape.js';

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
              `      <failure type="${f.severity}" message="${xml(f.message)}">${body(rule.title, f.message, `Remediation: ${rule.remediation}`, rule.docs)}</failure>`,
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
        `      <failure type="incomplete" message="${xml(g.text)}">${body(`Crawl incomplete in ${g.account}/${g.region}: ${g.text}`)}</failure>`,
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

/**
 * Attribute values and text: input text made inert (no control, escape or bidi character; XML 1.0
 * cannot carry most control characters at all), then the five specials escaped.
 */
function xml(text: string): string {
  return xmlText(text);
}

/** A failure's body: one line per part, each part made inert (its own newlines become spaces). */
function body(...parts: string[]): string {
  return xmlText(parts.map(inert).join('\n'), true);
}
