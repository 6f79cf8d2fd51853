/**
 * The findings-state file: read and checked before any API call (a bad file is a usage error, exit
 * 2, saying file:line and what was expected), written with the run's reports (all or none). One
 * finding per line, sorted by fingerprint, so the file diffs well when kept in git.
 */
import { open, readFile, stat } from 'node:fs/promises';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { AuditError } from '../errors.js';
import { lineColumn, parseJsonFile } from '../json.js';
import { firstErrorValidatorFor, validatorFor } from '../policy/schemas.js';
import type { FileContent } from '../report/write.js';
import stateSchema from './schema.js';
import type { Severity } from '../rules/types.js';
import { emptyState, STATE_SCHEMA_VERSION, type FindingsState, type RunRecord, type StateEntry } from './state.js';
import { StateTable, TableBuilder } from './table.js';

/** The state in `file`; an empty state when the file does not exist yet (the first run). */
export async function readState(file: string, shown = file): Promise<FindingsState> {
  let text: string;
  try {
    // Files we wrote are read line by line (one finding a line), never held whole: a 500,000-finding
    // state is 120 MB of text. Anything else (an edited file) is parsed as a whole.
    const fast = await readOwnFormat(file, shown);
    if (fast !== undefined) return fast;
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof AuditError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    throw new AuditError('E_INPUT', `${shown}: cannot read the findings state (${code ?? 'error'})`, { cause: error });
  }
  return parseState(shown, text);
}

const HEAD = ['{', `"schemaVersion": ${STATE_SCHEMA_VERSION},`, '"kind": "lambda-audit-state",', '"runs": ['];
const ENTRY = /^"([0-9a-f]{32})": (\{.*\}),?$/;
/** ISO date-times as `toISOString` writes them (a 31st of a shorter month is the one thing it lets by). */
const ISO = '(\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}Z)';
/**
 * One entry as `stateChunks` writes it, with strings free of escapes and quotes: a line that
 * matches is valid against the entry schema (anything else goes through JSON.parse and ajv).
 */
const OWN_ENTRY = new RegExp(
  `^"([0-9a-f]{32})": \\{"ruleId":"([^"\\\\\\u0000-\\u001f\\u007f-\\u00ff]+)","arn":"(arn:[^":\\\\\\u007f-\\u00ff]+:lambda:[^":\\\\\\u007f-\\u00ff]*:[^":\\\\\\u007f-\\u00ff]*:function:[^"\\\\\\u0000-\\u001f\\u007f-\\u00ff]*)","severity":"(critical|high|medium|low|info)","firstSeen":"${ISO}","lastSeen":"${ISO}"(?:,"resolvedAt":"${ISO}")?\\},?$`,
);

/** Bytes read at a time: lines are cut from these, never from the whole file. */
const READ_CHUNK = 1 << 20;

/**
 * Calls `onLine` with each line of a file as a byte range of a buffer, read a chunk at a time: no
 * string of the whole file, no string per line unless the caller makes one, and no promise or
 * generator step per line (those cost more than the parsing here): the lines of a chunk are handed
 * over in a plain loop. A line's buffer is valid during the call only. `onLine` returns false to
 * stop; the result says whether every line was seen.
 */
async function forEachLine(
  file: string,
  onLine: (buf: Buffer, start: number, end: number) => boolean,
): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    // One buffer, reused: the unfinished line is moved to its start and the next bytes read after it.
    let buf = Buffer.allocUnsafe(READ_CHUNK);
    let filled = 0;
    for (;;) {
      if (filled === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a line longer than the buffer
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) break;
      const stop = filled + bytesRead;
      let start = 0;
      for (let nl = buf.indexOf(10, filled); nl !== -1 && nl < stop; nl = buf.indexOf(10, start)) {
        if (!onLine(buf, start, nl)) return false;
        start = nl + 1;
      }
      filled = buf.copy(buf, 0, start, stop);
    }
    return filled > 0 ? onLine(buf, 0, filled) : true;
  } finally {
    await handle.close();
  }
}

/** Below the shortest line of a finding in our layout (177 bytes): a file holds fewer findings than its size over this. */
const SHORTEST_ENTRY = 160;

/**
 * The state from a file in the layout `stateChunks` writes, line by line, each run and entry
 * validated against its part of the schema; undefined as soon as a line is not in that layout.
 * Findings go into columns (table.ts): a line in our exact layout from its bytes, with no object
 * made (the line's string and the pattern's match die young); any other valid line as an entry
 * held whole.
 */
async function readOwnFormat(file: string, shown: string): Promise<FindingsState | undefined> {
  const runs: RunRecord[] = [];
  const table = new TableBuilder(Math.ceil((await stat(file)).size / SHORTEST_ENTRY));
  const strings = new Map<string, string>();
  const intern = (v: string): string => {
    const known = strings.get(v);
    if (known !== undefined) return known;
    strings.set(v, v);
    return v;
  };
  const validateRun = firstErrorValidatorFor(stateSchema.properties.runs.items);
  const validateEntry = firstErrorValidatorFor(stateSchema.properties.findings.additionalProperties);
  const invalid = (n: number, pointer: string, errors: ValidateFunction['errors']): AuditError =>
    new AuditError(
      'E_INPUT',
      `${shown}:${n}:1: not a valid findings state: ${pointer}${errors?.[0]?.instancePath ?? ''} ${detailOf(errors?.[0])}`,
    );
  let n = 0;
  type Part = 'head' | 'runs' | 'between' | 'findings' | 'end' | 'done';
  let part = 'head' as Part; // set by onLine: a cast, or TypeScript keeps it 'head' after the loop
  const onLine = (buf: Buffer, start: number, end: number): boolean => {
    n++;
    if (part === 'findings') {
      // The layout we write, matched whole on the bytes as latin1 (which checks it as the schema
      // would, and that it is ASCII, so characters are bytes): no JSON.parse, no ajv, and the line's
      // string dies young. (A check of the bytes by hand was slower than this pattern.)
      const quick = OWN_ENTRY.exec(buf.toString('latin1', start, end));
      if (quick !== null && table.addMatch(quick)) return true;
      if (quick !== null) {
        // Our layout with a control character in the ARN's first parts: held whole, as the pattern reads it.
        const resolvedAt = quick[7];
        table.addEntry(quick[1]!, {
          ruleId: quick[2]!,
          arn: quick[3]!,
          severity: quick[4] as Severity,
          firstSeen: quick[5]!,
          lastSeen: quick[6]!,
          ...(resolvedAt === undefined ? {} : { resolvedAt }),
        });
        return true;
      }
    }
    const line = buf.toString('utf8', start, end);
    if (part === 'head') {
      if (line !== HEAD[n - 1]) return false;
      if (n === HEAD.length) part = 'runs';
    } else if (part === 'runs') {
      if (line === '],') {
        part = 'between';
        return true;
      }
      const value = parseLine(line.endsWith(',') ? line.slice(0, -1) : line);
      if (value === undefined) return false;
      if (!validateRun(value)) throw invalid(n, `/runs/${runs.length}`, validateRun.errors);
      runs.push(value as RunRecord);
    } else if (part === 'between') {
      if (line !== '"findings": {') return false;
      part = 'findings';
    } else if (part === 'findings') {
      if (line === '}') {
        part = 'end';
        return true;
      }
      const m = ENTRY.exec(line);
      const value = m === null ? undefined : parseLine(m[2]!);
      if (m === null || value === undefined) return false;
      if (!validateEntry(value)) throw invalid(n, `/findings/${m[1]}`, validateEntry.errors);
      const e = value as StateEntry;
      table.addEntry(m[1]!, {
        ruleId: intern(e.ruleId),
        arn: e.arn,
        severity: e.severity,
        firstSeen: intern(e.firstSeen),
        lastSeen: intern(e.lastSeen),
        ...(e.resolvedAt === undefined ? {} : { resolvedAt: intern(e.resolvedAt) }),
      });
    } else if (part === 'end') {
      if (line !== '}') return false;
      part = 'done';
    } else if (line !== '') return false;
    return true;
  };
  if (!(await forEachLine(file, onLine))) return undefined;
  return part === 'done'
    ? { schemaVersion: STATE_SCHEMA_VERSION, kind: 'lambda-audit-state', runs, findings: table.finish() }
    : undefined;
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function detailOf(e: ErrorObject | undefined): string {
  return e?.keyword === 'additionalProperties'
    ? `unknown key "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
    : (e?.message ?? 'is invalid');
}

export function parseState(file: string, text: string): FindingsState {
  const value = parseJsonFile(file, text);
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== STATE_SCHEMA_VERSION)
    throw new AuditError(
      'E_INPUT',
      `${file}:1:1: not a findings state of schemaVersion ${STATE_SCHEMA_VERSION} (got ${JSON.stringify(version) ?? 'none'}); this lambda-audit reads version ${STATE_SCHEMA_VERSION}`,
    );
  const validate = validatorFor(stateSchema);
  if (!validate(value)) {
    const e = validate.errors?.[0];
    const pointer = e?.instancePath ?? '';
    const { line, column } = lineColumn(text, offsetOf(text, pointer));
    const detail = detailOf(e);
    throw new AuditError(
      'E_INPUT',
      `${file}:${line}:${column}: not a valid findings state: ${pointer || '(top level)'} ${detail}`,
    );
  }
  const raw = value as { runs: FindingsState['runs']; findings: Record<string, StateEntry> };
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    kind: 'lambda-audit-state',
    runs: raw.runs,
    findings: new Map(Object.entries(raw.findings)),
  };
}

/**
 * Where a JSON pointer of the state points, as a text offset: the finding's key, or the run's
 * opening brace. Good for the files we write (one entry a line) and for most hand edits.
 */
function offsetOf(text: string, pointer: string): number {
  const [, top, key] = pointer.split('/');
  if (top === 'findings' && key !== undefined) {
    const at = text.indexOf(`"${key.replace(/~1/g, '/').replace(/~0/g, '~')}"`, text.indexOf('"findings"'));
    if (at !== -1) return at;
  }
  if (top === 'runs' && key !== undefined) {
    let at = text.indexOf('"runs"');
    for (let n = Number(key); at !== -1 && n >= 0; n--) at = text.indexOf('{', at + 1);
    if (at !== -1) return at;
  }
  const at = top === undefined || top === '' ? -1 : text.indexOf(`"${top}"`);
  return at === -1 ? 0 : at;
}

/** Characters JSON.stringify would escape (and lone surrogates, which it writes as \u escapes). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string: as is when nothing in it needs escaping (ARNs and rule ids), else JSON.stringify's. */
function quoted(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** One finding's line (without its separator), in a fixed key order, so a file rewritten without change is the same bytes. */
function entryLine(id: string, e: StateEntry): string {
  // Severities and dates were validated (plain ASCII), so only the free strings go through JSON.stringify.
  const resolved = e.resolvedAt === undefined ? '' : `,"resolvedAt":"${e.resolvedAt}"`;
  return `"${id}": {"ruleId":${quoted(e.ruleId)},"arn":${quoted(e.arn)},"severity":"${e.severity}","firstSeen":"${e.firstSeen}","lastSeen":"${e.lastSeen}"${resolved}}`;
}

/**
 * The state file's text, in chunks (a 500,000-finding state is too big to build as one string
 * twice): strings, and for findings held as columns (table.ts) buffers of their lines' bytes.
 */
export function* stateChunks(state: FindingsState): Generator<string | Buffer, void, undefined> {
  yield `{\n"schemaVersion": ${STATE_SCHEMA_VERSION},\n"kind": "lambda-audit-state",\n"runs": [`;
  for (const [i, run] of state.runs.entries()) {
    const { at, open, new: added, resolved, reopened } = run;
    yield `${i === 0 ? '' : ','}\n${JSON.stringify({ at, open, new: added, resolved, reopened })}`;
  }
  yield `\n],\n"findings": {`;
  if (state.findings instanceof StateTable) yield* state.findings.fileLines(entryLine);
  else {
    // A state read from a file is in order already; a sort of 500,000 fingerprints is not free.
    const ids = [...state.findings.keys()];
    if (!ids.every((id, i) => i === 0 || ids[i - 1]! < id)) ids.sort();
    let first = true;
    for (const id of ids) {
      yield `${first ? '' : ','}\n${entryLine(id, state.findings.get(id)!)}`;
      first = false;
    }
  }
  yield '\n}\n}\n';
}

export function stateFileContent(state: FindingsState): FileContent {
  return stateChunks(state);
}
