// Untrusted text is inert in every output: the escaper alone (tables), then names carrying
// Markdown, HTML, ANSI escapes and bidi characters through `scan --iac`, every format's bytes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { htmlText, inert, jsonInert, markdownCode, markdownText, xmlText } from '../../src/report/escape.js';
import { IAC_ENV } from '../helpers/iac.js';
import { captureIo } from '../helpers/io.js';
import { tempDir } from '../helpers/temp.js';

/** Control characters (but the newline formats use for their own structure) and bidi controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('inert', () => {
  it.each([
    ['ANSI colour', '\u001b[31mred\u001b[0m', 'red'],
    ['OSC hyperlink', '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007', 'click'],
    ['C1 CSI', '\u009b31mred', 'red'],
    ['bidi override', 'invoice\u202Egnp.exe', 'invoicegnp.exe'],
    ['bidi isolates and marks', '\u2066a\u2069\u200eb\u200f\u061c', 'ab'],
    ['newlines and tabs', 'a\nb\r\nc\td', 'a b  c d'],
    ['line separators', 'a\u2028b\u2029c\u0085d', 'a b c d'],
    ['NUL, BEL, DEL', 'a\u0000b\u0007c\u007f', 'abc'],
    ['a lone surrogate', 'a\ud800b', 'ab'],
    ['plain text and emoji unchanged', 'orders-dev 🚀 é', 'orders-dev 🚀 é'],
  ])('%s', (_what, input, output) => {
    expect(inert(input)).toBe(output);
  });
});

describe('per format', () => {
  it('Markdown: a code span whatever the backticks, pipes escaped in tables', () => {
    expect(markdownCode('[x](https://e.example)')).toBe('`[x](https://e.example)`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`a')).toBe('`` `a ``');
    expect(markdownCode('a|b')).toBe('`a\\|b`');
    expect(markdownCode('a|b', false)).toBe('`a|b`');
    expect(markdownCode('')).toBe('');
    expect(markdownText('[x](y) <b> *e*')).toBe('\\[x\\]\\(y\\) \\<b\\> \\*e\\*');
  });

  it('HTML and XML: entities, no control character', () => {
    expect(htmlText('<b a="1">\u001b[1m&\u202e')).toBe('&lt;b a=&quot;1&quot;&gt;&amp;');
    expect(xmlText("<x y='1'>\u0001\u0085\uffff")).toBe('&lt;x y=&apos;1&apos;&gt; ');
    expect(xmlText('a\nb\u0002', true)).toBe('a\nb');
  });

  it('JSON: C1, bidi and separators escaped, the value unchanged', () => {
    const value = { name: 'a\u0085b\u202ec\u2028d\u007f' };
    const text = jsonInert(JSON.stringify(value));
    expect(text).not.toMatch(FORBIDDEN);
    expect(JSON.parse(text)).toEqual(value);
  });
});

/** A name an attacker would write into a template: links, images, HTML, autolinks, mentions, escapes, bidi. */
const EVIL =
  '[click me](https://evil.example/x) ![i](https://evil.example/i.png) <b>bold</b> <img src=x onerror=alert(1)> https://evil.example @octocat \u001b[31mred\u001b[0m \u202Eexe.txt\u0085|x`y';

function template(): string {
  return JSON.stringify(
    {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Evil: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: EVIL,
            Runtime: 'python3.8',
            Handler: 'app.handler',
            Role: 'arn:aws:iam::123456789012:role/r',
            Code: { ZipFile: 'x' },
            Description: EVIL,
            Tags: [{ Key: 'owner', Value: EVIL }],
            LoggingConfig: { LogFormat: 'Text', ApplicationLogLevel: 'DEBUG' },
          },
        },
      },
    },
    null,
    2,
  );
}

/** Markdown with code spans removed: what renders as Markdown. */
function outsideCodeSpans(markdown: string): string {
  let out = '';
  let i = 0;
  while (i < markdown.length) {
    const open = /^`+/.exec(markdown.slice(i));
    if (open && markdown[i - 1] !== '\\') {
      const fence = open[0];
      const close = markdown.indexOf(fence, i + fence.length);
      // The closing run must be exactly as long as the opening one.
      let end = close;
      while (end >= 0 && (markdown[end + fence.length] === '`' || markdown[end - 1] === '`'))
        end = markdown.indexOf(fence, end + 1);
      if (end >= 0) {
        i = end + fence.length;
        continue;
      }
    }
    out += markdown[i];
    i += 1;
  }
  return out;
}

describe('hostile names through scan --iac, every format', () => {
  const cwd = tempDir('la-evil-');
  mkdirSync(join(cwd, 'infra'));
  // The file name is input too.
  writeFileSync(join(cwd, 'infra', '[a](https:evil.example) <i>x.json'), template());
  const formats = {
    text: 'r.txt',
    json: 'r.json',
    sarif: 'r.sarif',
    html: 'r.html',
    asff: 'r.asff.json',
    ocsf: 'r.ocsf.jsonl',
    markdown: 'r.md',
    junit: 'r.xml',
    snapshot: 's.json',
  };

  it('writes no control or bidi character and no live Markdown or HTML from the input', async () => {
    const { io, stderr } = captureIo({ cwd, env: IAC_ENV });
    const code = await run(
      [
        'node',
        'lambda-audit',
        'scan',
        '--no-drift',
        '--as-of',
        '2026-11-22',
        '--fail-on',
        'none',
        '--iac',
        'infra',
        ...Object.entries(formats).flatMap(([f, p]) => ['--output', `${f}=out/${p}`]),
      ],
      io,
    );
    expect(stderr()).not.toMatch(FORBIDDEN);
    expect(code, stderr()).toBe(0);
    const read = (f: keyof typeof formats): string => readFileSync(join(cwd, 'out', formats[f]), 'utf8');
    for (const f of Object.keys(formats) as (keyof typeof formats)[])
      expect(read(f), `${f} holds a control or bidi character`).not.toMatch(FORBIDDEN);

    // Markdown: the evil text is there, but only inside code spans.
    const md = read('markdown');
    expect(md).toContain('evil.example');
    const live = outsideCodeSpans(md);
    // Our own links (rule docs) are the only ones.
    expect(live).not.toMatch(/evil\.example|<b>|<img|<i>|@octocat|\]\((?!https:\/\/docs\.aws\.amazon\.com\/)/);

    // HTML: escaped, never an element of the input's.
    const html = read('html');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toMatch(/<b>bold|<img src=x|<i>x/);

    // JUnit: well-formed specials, the input's tags escaped.
    const junit = read('junit');
    expect(junit).toContain('&lt;b&gt;bold');
    expect(junit).not.toMatch(/<b>|<img/);

    // SARIF: message.text, decoded, holds no control or bidi character either.
    const sarif = JSON.parse(read('sarif')) as {
      runs: { results: { message: { text: string; markdown?: string } }[] }[];
    };
    const messages = sarif.runs.flatMap((r) => r.results.map((x) => x.message));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m.text).not.toMatch(FORBIDDEN);
      expect(m.markdown).toBeUndefined();
    }

    // ASFF and OCSF: the texts people read are inert once decoded.
    const asff = JSON.parse(read('asff')) as { Title: string; Description: string }[];
    for (const a of asff) expect(`${a.Title} ${a.Description}`).not.toMatch(FORBIDDEN);
    for (const line of read('ocsf').trimEnd().split('\n')) {
      const o = JSON.parse(line) as { message: string; finding_info: { title: string; desc: string } };
      expect(`${o.message} ${o.finding_info.title} ${o.finding_info.desc}`).not.toMatch(FORBIDDEN);
    }

    // The snapshot and JSON report are records: the name round-trips exactly, escaped in the bytes.
    const snapshot = JSON.parse(read('snapshot')) as { functions: { name: string }[] };
    expect(snapshot.functions.map((f) => f.name)).toEqual([EVIL]);
    expect(read('snapshot')).toContain('\\u202e');

    // Text: the name is there, its escape sequences are not (FORBIDDEN above: no ESC at all).
    expect(read('text')).toContain('@octocat red exe.txt |x`y');
  });
});
