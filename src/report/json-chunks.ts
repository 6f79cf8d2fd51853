/**
 * JSON in pieces. A report of 100,000 functions is several hundred MB of JSON: one string that big
 * costs as much memory again as the data (and past 512 MB V8 cannot make it at all). These
 * generators give the exact text `JSON.stringify(value, null, 2)` gives, cut at the elements of
 * the outer arrays and objects, so a writer holds one element's text at a time.
 */
import { jsonInert } from './escape.js';

/**
 * The text of `JSON.stringify(value, null, 2)` in chunks. Arrays down to `depth` levels are opened
 * here, objects down to `depth - 1`; anything else is `JSON.stringify`'s text, re-indented (JSON
 * strings hold no raw newline, so every newline in its text is structure). The elements of an
 * opened array that are not opened themselves go to `JSON.stringify` a run at a time, about
 * `CHUNK_TEXT` characters of text per run (see `elementRuns`). @default depth 3: the elements of
 * `report.findings` and of `report.snapshot.functions` or `snapshot.functions` are cut between.
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
    const runs = elementRuns();
    for (let i = 0; i < v.length;) {
      const item: unknown = toJsonValue(v[i]);
      if (item !== null && typeof item === 'object' && depth - 1 > (Array.isArray(item) ? 0 : 1)) {
        yield `${i === 0 ? '' : ','}\n${inner}`;
        yield* jsonChunks(item, depth - 1, inner);
        i++;
        continue;
      }
      // A run of elements that are not opened: one JSON.stringify call, its brackets cut off
      // ("[\n  a,\n  b\n]" is "\n  a,\n  b" inside). Like JSON.stringify on each element: what
      // has no JSON form becomes null in an array.
      const start = i;
      const run: unknown[] = [item];
      const end = Math.min(v.length, i + runs.next());
      for (i++; i < end; i++) {
        const next: unknown = toJsonValue(v[i]);
        if (next !== null && typeof next === 'object' && depth - 1 > (Array.isArray(next) ? 0 : 1)) break;
        run.push(next);
      }
      // Wrapped in as many arrays as `indent` is levels deep, so that JSON.stringify indents the
      // run as it stands here (re-indenting the text after cost as much as making it).
      const { open, close } = wrapping(indent);
      let wrapped: unknown = run;
      for (let level = 0; level < indent.length / 2; level++) wrapped = [wrapped];
      const text = JSON.stringify(wrapped, null, 2);
      runs.saw(run.length, text.length);
      yield `${start === 0 ? '' : ','}${text.slice(open.length, text.length - close.length)}`;
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

/**
 * Characters of text aimed at per run of array elements. One `JSON.stringify` call per element
 * cost ten times what one call for the whole array does (a report of 10,000 findings: about 100
 * ms against 10), and a chunk this size is still small beside the report it is part of.
 */
export const CHUNK_TEXT = 1 << 15;

/**
 * How many elements the next run takes: one at first, then as many as the last run's text per
 * element says fit in `CHUNK_TEXT`, at most twice the last run. So a run holds about `CHUNK_TEXT`
 * characters, or one element when an element alone is bigger (a snapshot record with a large
 * environment); elements far bigger than the ones before them make one run that much bigger.
 */
function elementRuns(): { next: () => number; saw: (elements: number, characters: number) => void } {
  let size = 1;
  return {
    next: () => size,
    saw: (elements, characters) => {
      const perElement = Math.max(1, characters / elements);
      size = Math.max(1, Math.min(elements * 2, Math.floor(CHUNK_TEXT / perElement)));
    },
  };
}

/** The text around a run wrapped for `indent`: "[\n  [" before, "\n  ]\n]" after (two levels). */
function wrapping(indent: string): { open: string; close: string } {
  let open = '[';
  let close = '\n]';
  for (let i = 2; i <= indent.length; i += 2) {
    open += `\n${' '.repeat(i)}[`;
    close = `\n${' '.repeat(i)}]${close}`;
  }
  return { open, close };
}

function toJsonValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON: () => unknown }).toJSON()
    : value;
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
