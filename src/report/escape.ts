/**
 * Text from the input is hostile. A pull request writes templates (function names, logical ids,
 * descriptions, tag values, file names), and an audited account may be compromised (it names its
 * functions, accounts and tags): none of it may steer a terminal, a Markdown renderer, an HTML
 * page or an XML parser, or hide what it says behind bidi overrides.
 *
 * `inert` is the one rule every format applies to input-derived strings: terminal escape
 * sequences and control characters (C0, DEL, C1) are removed, line breaks become spaces, and the
 * bidi embeddings, overrides, isolates and marks are removed. Each format then escapes for itself:
 * - Markdown: a code span (no link, image, HTML, autolink, emphasis, `@mention` or `#ref` inside);
 * - HTML and XML: entities for the specials (XML 1.0 cannot carry most control characters at all);
 * - JSON (json, snapshot, sarif, asff, ocsf): `jsonInert` writes DEL, C1, bidi and line separator
 *   characters as `\uXXXX` escapes. The file holds no such raw character, yet the data round-trips
 *   exactly: the snapshot and the JSON report are records, and a function's name is its identity
 *   (baselines and accepted findings compare it). Fields a viewer shows to people (SARIF
 *   `message.text`, ASFF `Title`/`Description`, OCSF `message`/`title`/`desc`) go through `inert`.
 */

/** CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`) and other two-byte escapes; C1 CSI (U+009B) too. */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
  /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]?/g;

/** Line and paragraph breaks: a space, so words stay apart. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * Control characters (C0, DEL, C1), bidi marks (U+061C, U+200E, U+200F), embeddings and
 * overrides (U+202A-202E), isolates (U+2066-2069), and lone surrogates (not text at all).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Quick test: most strings hold nothing to remove, and are returned as they are. */
// eslint-disable-next-line no-control-regex -- see UNSAFE
const ANY = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]/;

/** Input text made inert: no escape sequence, control, bidi or line-break character left. */
export function inert(text: string): string {
  if (!ANY.test(text)) return text;
  return text.replace(ESCAPE_SEQUENCE, '').replace(BREAKS, ' ').replace(UNSAFE, '');
}

/**
 * Input text as a Markdown code span: nothing in it renders (links, images, HTML, autolinks,
 * emphasis) and GitHub does not turn `@user`, `#123` or commit ids in it into mentions or links.
 * The fence is one backtick longer than the longest run inside. `inTable`: `|` is escaped, which
 * GFM tables require even inside a code span (and remove again). Empty text is empty.
 */
export function markdownCode(text: string, inTable = true): string {
  let s = inert(text);
  if (s === '') return '';
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space at each end when both ends have one: pad so it strips ours.
  if (s.startsWith('`') || s.endsWith('`') || (s.startsWith(' ') && s.endsWith(' ') && s.trim() !== '')) s = ` ${s} `;
  if (inTable) s = s.replace(/\|/g, '\\|');
  return `${fence}${s}${fence}`;
}

/**
 * Text that is ours but not fixed (a policy file's rule title) as plain Markdown: every ASCII
 * punctuation character backslash-escaped (CommonMark lets any be), so none opens a construct.
 */
export function markdownText(text: string): string {
  return inert(text).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** HTML element content and double-quoted attribute values. */
export function htmlText(text: string): string {
  return inert(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * XML 1.0 text and attribute values. `keepNewlines`: the element body's own line structure (the
 * formatter's `\n`) stays; input text in it should go through `inert` first.
 */
export function xmlText(text: string, keepNewlines = false): string {
  const clean = keepNewlines ? text.split('\n').map(inert).join('\n') : inert(text);
  return clean
    .replace(/[\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JSON text with DEL, C1, bidi and line-separator characters written as `\uXXXX` escapes.
 * `JSON.stringify` escapes C0 itself; these it leaves raw. Outside strings JSON allows none of
 * them, so replacing them anywhere in valid JSON text changes no value.
 */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
export function jsonInert(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
