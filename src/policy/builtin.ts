/**
 * The package's own YAML documents (policies/lambda.yaml, drift.yaml, runtimes.yaml), parsed when
 * they were precompiled (scripts/precompile-policies.ts, `npm run policies:precompile`), and the
 * built-in policy validated then: a scan that reads no other YAML loads no YAML parser (20-30 ms
 * of its start-up) and does not validate what it shipped. A precompiled document is used only while
 * the file on disk is the one it was made from (the same SHA-256): an edited file is parsed and
 * validated as any other.
 */
import { createHash } from 'node:crypto';
import { basename, sep } from 'node:path';
import { builtinDocuments } from './builtin.generated.js';
import { documentOf, positionFinder, type Position, type YamlDocument } from './document.js';

/** What the generator writes for each document. */
export interface PrecompiledDocument {
  readonly sha256: string;
  /** `{ value, values, keys }`: the value, and the node offsets as [pointer, offset] pairs. */
  readonly json: string;
  /** The document passed this validation when it was precompiled. */
  readonly validatedAs?: 'policy';
}

export interface BuiltinDocument {
  readonly doc: YamlDocument;
  readonly validatedAs?: 'policy';
}

/** The precompiled document of `path` (a file in `policiesDir`) if `bytes` are what it was made from. */
export function builtinDocument(path: string, bytes: Uint8Array, policiesDir: string): BuiltinDocument | undefined {
  if (!path.startsWith(policiesDir) || path.slice(policiesDir.length).includes(sep)) return undefined;
  const entry = (builtinDocuments as Readonly<Record<string, PrecompiledDocument>>)[basename(path)];
  if (entry === undefined || sha256(bytes) !== entry.sha256) return undefined;
  const { value, values, keys } = JSON.parse(entry.json) as {
    value: unknown;
    values: [string, number][];
    keys: [string, number][];
  };
  // Positions are asked for by error messages and a duplicate rule id's "already defined at".
  let toPosition: ((offset: number) => Position) | undefined;
  const doc = documentOf(value, { values: new Map(values), keys: new Map(keys) }, (offset) =>
    (toPosition ??= positionFinder(new TextDecoder().decode(bytes)))(offset),
  );
  return { doc, ...(entry.validatedAs === undefined ? {} : { validatedAs: entry.validatedAs }) };
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
