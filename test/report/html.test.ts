// The HTML report's escaping and self-containment, without a browser (html-browser.test.ts opens it).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { h, htmlReport, jsonForScript } from '../../src/report/html.js';
import type { RunResult } from '../../src/report/run.js';
import { HTML_SCRIPT } from '../../src/report/html-client.js';
import { scanFixture } from '../helpers/fixture-scan.js';

describe('HTML escaping', () => {
  it('escapes text for content and attributes', () => {
    expect(h(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    );
  });

  it('embeds JSON that cannot end its script element and parses back to the same value, made inert', () => {
    const value = { name: '</script><script>alert(1)</script>', sep: 'a\u2028b\u2029c', amp: '&lt;!--' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    // Line separators are line breaks to a reader: the page shows a space (src/report/escape.ts).
    expect(JSON.parse(text)).toEqual({ ...value, sep: 'a b c' });
  });
});

describe('the HTML report', () => {
  it('is one file that loads nothing: no external URL in src/href, a CSP that allows only its own script', async () => {
    const { stdout } = await scanFixture('html', ['--fail-on', 'none']);
    expect(stdout).toMatch(/^<!doctype html>/);
    expect(stdout).not.toMatch(/\s(src|href)="(https?:)?\/\/(?!docs\.aws\.amazon\.com)/);
    expect(stdout).not.toMatch(/<link\b/);
    const hash = createHash('sha256').update(HTML_SCRIPT).digest('base64');
    expect(stdout).toContain(`default-src &#39;none&#39;`);
    expect(stdout).toContain(`script-src &#39;sha256-${hash}&#39;`);
    expect(stdout).toContain(`<script>${HTML_SCRIPT}</script>`);
  });

  it('shows crawl gaps, not-judged counts, compliance controls and suppressions without JavaScript', async () => {
    const { stdout } = await scanFixture('html', ['--fail-on', 'none']);
    const section = (id: string) => stdout.slice(stdout.indexOf(`id="${id}"`)).split('</table>')[0]!;
    expect(section('crawl')).toContain('platform-notify-00005');
    expect(section('crawl')).toContain('<strong>incomplete</strong>');
    expect(section('compliance')).toMatch(/Lambda\.2<\/td><td>runtime-deprecated/);
    expect(section('suppressed')).toContain('Payments functions are invoked synchronously only');
    expect(section('suppressed')).toContain('payments@example.com');
  });
});

describe('drift in the HTML report', () => {
  it('shows old and new values, escaped, and never an environment value', () => {
    const run = {
      snapshot: { tool: { version: '0' }, generatedAt: '2026-11-22T03:00:00Z', regions: [], functions: [] },
      asOf: '2026-11-22',
      rules: [],
      findings: [],
      notJudged: [],
      suppressions: [],
      drift: {
        baselineDir: 'baselines',
        regions: [],
        functions: [
          {
            key: 'k',
            arn: 'arn:aws:lambda:us-east-1:111122223333:function:orders',
            account: '111122223333',
            region: 'us-east-1',
            functionName: 'orders',
            qualifier: '$LATEST',
            kind: 'changed',
            changes: [
              { path: 'configuration.Runtime', kind: 'changed', old: 'nodejs18.x', new: '<b>nodejs22.x</b>' },
              { path: 'configuration.Environment.Variables.DB_PASSWORD', kind: 'changed' },
            ],
          },
        ],
      },
    } as unknown as RunResult;
    const drift = htmlReport(run).split('id="drift"')[1]!.split('</table>')[0]!;
    expect(drift).toContain('<code>&quot;nodejs18.x&quot;</code>');
    expect(drift).toContain('<code>&quot;&lt;b&gt;nodejs22.x&lt;/b&gt;&quot;</code>');
    expect(drift).toMatch(
      /DB_PASSWORD<\/code><\/td><td><em>\(hashed value, not shown\)<\/em><\/td><td><em>\(hashed value, not shown\)<\/em>/,
    );
  });
});

describe('new findings in the HTML report (--accepted-findings)', () => {
  const finding = (name: string, isNew: boolean | undefined) => ({
    ruleId: 'tracing-disabled',
    severity: 'low',
    title: 'X-Ray tracing is off',
    message: 'tracing is off',
    arn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
    account: '111122223333',
    region: 'us-east-1',
    functionName: name,
    qualifier: '$LATEST',
    suppressed: false,
    ...(isNew === undefined ? {} : { new: isNew }),
  });
  const runWith = (findings: unknown[]) =>
    ({
      snapshot: { tool: { version: '0' }, generatedAt: '2026-11-22T03:00:00Z', regions: [], functions: [] },
      asOf: '2026-11-22',
      rules: [],
      findings,
      notJudged: [],
      suppressions: [],
    }) as unknown as RunResult;
  const data = (html: string) =>
    (JSON.parse(html.split('id="report-data">')[1]!.split('</script>')[0]!) as { findings: unknown[][] }).findings;

  it('counts them, marks them in the table data and the script-free preview, and offers the filter', () => {
    const html = htmlReport(runWith([finding('fresh', true), finding('known', false)]));
    expect(html).toMatch(/data-total="new">new since accepted<b>1<\/b>/);
    expect(html).toContain('<select id="f-new">');
    expect(data(html).map((row) => row.at(-1))).toEqual([1, 0]);
    const preview = html.split('<noscript>')[1]!.split('</noscript>')[0]!;
    expect(preview).toMatch(/<tr class="is-new">[^\n]*fresh/);
    expect(preview).not.toMatch(/<tr class="is-new">[^\n]*known/);
  });

  it('says nothing of them when the run did not compare with accepted findings', () => {
    const html = htmlReport(runWith([finding('a', undefined)]));
    expect(html).not.toContain('data-total="new"');
    expect(html).not.toContain('id="f-new"');
    expect(html).not.toContain('class="is-new"');
    expect(data(html)[0]).toHaveLength(7);
    // No findings state, no ages: no SLA filter either (html-browser.test.ts uses it).
    expect(html).not.toContain('id="f-sla"');
  });
});
