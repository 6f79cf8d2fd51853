/**
 * The findings-state file: read and checked before any API call (a bad file is a usage error, exit
 * 2, saying file:line and what was expected), written with the run's reports (all or none). One
 * finding per line, sorted by fingerprint, so the file diffs well when kept in git.
 */
import { readFile } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import { lineColumn, parseJsonFile } from '../json.js';
import { validatorFor } from '../policy/schemas.js';
import type { FileContent } from '../report/write.js';
import stateSchema from './schema.js';
import { emptyState, STATE_SCHEMA_VERSION, type FindingsState, type StateEntry } from './state.js';

/** The state in `file`; an empty state when the file does not exist yet (the first run). */
export async function readState(file: string, shown = file): Promise<FindingsState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    throw new AuditError('E_INPUT', `${shown}: cannot read the findings state (${code ?? 'error'})`, { cause: error });
  }
  return parseState(shown, text);
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
    const detail =
      e?.keyword === 'additionalProperties'
        ? `unknown key "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
        : (e?.message ?? 'is invalid');
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

/** The state file's text, in chunks (a 500,000-finding state is too big to build as one string twice). */
export function* stateChunks(state: FindingsState): Generator<string, void, undefined> {
  yield `{\n"schemaVersion": ${STATE_SCHEMA_VERSION},\n"kind": "lambda-audit-state",\n"runs": [`;
  for (const [i, run] of state.runs.entries()) {
    const { at, open, new: added, resolved, reopened } = run;
    yield `${i === 0 ? '' : ','}\n${JSON.stringify({ at, open, new: added, resolved, reopened })}`;
  }
  yield `\n],\n"findings": {`;
  const ids = [...state.findings.keys()].sort();
  let first = true;
  for (const id of ids) {
    const e = state.findings.get(id)!;
    // Fixed key order, so a file rewritten without change is the same bytes.
    const entry = {
      ruleId: e.ruleId,
      arn: e.arn,
      severity: e.severity,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      ...(e.resolvedAt === undefined ? {} : { resolvedAt: e.resolvedAt }),
    };
    yield `${first ? '' : ','}\n${JSON.stringify(id)}: ${JSON.stringify(entry)}`;
    first = false;
  }
  yield '\n}\n}\n';
}

export function stateFileContent(state: FindingsState): FileContent {
  return stateChunks(state);
}
