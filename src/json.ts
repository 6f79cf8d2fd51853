/**
 * JSON files a user gives us (inputs, baselines, accepted findings) parsed with errors that say
 * where (file:line:column) and what was expected, and never quote the file: V8's JSON.parse messages
 * quote the text around the mistake, which in an input file may be a secret environment value.
 */
import { AuditError, type AuditErrorCode } from './errors.js';

/** Parses `text`; on a syntax error throws one line: `file:line:col: not valid JSON: expected ...`. */
export function parseJsonFile(file: string, text: string, code: AuditErrorCode = 'E_INPUT'): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { offset, expected } = locateJsonError(text);
    const { line, column } = lineColumn(text, offset);
    // No `cause`: the parser's message quotes file content.
    throw new AuditError(code, `${file}:${line}:${column}: not valid JSON: expected ${expected}`);
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

/** Finds the first syntax error in `text` (which JSON.parse rejected) and what would have been valid there. */
export function locateJsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  const fail = (expected: string): never => {
    throw new JsonSyntax(i, expected);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`"${word}"`);
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a closing " before the end of the file');
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return;
      }
      if (ch < 0x20) fail('a closing " before the end of the line (or \\n for a line break)');
      if (ch === 0x5c) {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          for (let k = 1; k <= 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('four hex digits after \\u');
          }
        } else if (esc === undefined || !'"\\/bfnrt'.includes(esc))
          fail('an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
      }
      i++;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0].length === 0) fail('a number');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 500) fail('less nesting (over 500 levels)');
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail("':' after the property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail("',' or '}' after the property value");
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail("',' or ']' after the array element");
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail(
      ch === undefined
        ? 'a value before the end of the file'
        : 'a value (string in double quotes, number, true, false, null, object or array)',
    );
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('the end of the file after the top-level value');
  } catch (error) {
    if (error instanceof JsonSyntax) return { offset: error.offset, expected: error.expected };
    throw error;
  }
  return { offset: 0, expected: 'valid JSON' };
}
