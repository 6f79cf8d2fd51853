// The HTML report's escaping and self-containment, without a browser (html-browser.test.ts opens it).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { h, jsonForScript } from '../../src/report/html.js';
import { HTML_SCRIPT } from '../../src/report/html-client.js';
import { scanFixture } from '../helpers/fixture-scan.js';

describe('HTML escaping', () => {
  it('escapes text for content and attributes', () => {
    expect(h(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    );
  });

  it('embeds JSON that cannot end its script element and parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', sep: 'a\u2028b\u2029c', amp: '&lt;!--' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
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
