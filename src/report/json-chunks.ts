/**
 * JSON in pieces. A report of 100,000 functions is several hundred MB of JSON: one string that big
 * costs as much memory again as the data (and past 512 MB V8 cannot make it at all). These
 * generators give the exact text `JSON.stringify(value, null, 2)` gives, cut at the elements of
 * the outer arrays and objects, so a writer holds one element's text at a time.
 */
import { jsonInert } from './escape.js';

/**
 * The text of `JSON.stringify(value, null, 2)` in chunks. Arrays down to `depth` levels are opened
 * here, objects down to `depth - 1` (an array's element is one chunk, not one per member); anything
 * else is one `JSON.stringify` call, re-indented (JSON strings hold no raw newline, so every newline
 * in its text is structure). @default depth 3: the elements of `report.findings` and of
 * `report.snapshot.functions` or `snapshot.functions` are a chunk each.
 */
export function* jsonChunks(value: unknown, depth = 3, indent = ''): Generator<string, void, undefined> {
  const v = toJsonValue(value);
  if (v === null || typeof v !== 'object' || depth <= (Array.isArray(v) ? 0 : 1)) {
    const text = JSON.stringify(v, null, 2);
    yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return yield '[]';
    yield '[';
    for (let i = 0; i < v.length; i++) {
      const item: unknown = toJsonValue(v[i]);
      yield `${i === 0 ? '' : ','}\n${inner}`;
      // Like JSON.stringify: what has no JSON form becomes null in an array.
      if (isOmitted(item)) yield 'null';
      else yield* jsonChunks(item, depth - 1, inner);
    }
    return yield `\n${indent}]`;
  }
  let first = true;
  for (const [key, member] of Object.entries(v as Record<string, unknown>)) {
    const item: unknown = toJsonValue(member);
    // Like JSON.stringify: a member with no JSON form is left out of an object.
    if (isOmitted(item)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* jsonChunks(item, depth - 1, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/**
 * A JSON file the way every file of ours is written (see `toJson`), in chunks: DEL, C1 and bidi
 * characters written as `\uXXXX` (src/report/escape.ts).
 */
export function* jsonDocumentChunks(value: unknown, depth = 3): Generator<string, void, undefined> {
  for (const chunk of jsonChunks(value, depth)) yield jsonInert(chunk);
  yield '\n';
}

function toJsonValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON: () => unknown }).toJSON()
    : value;
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
