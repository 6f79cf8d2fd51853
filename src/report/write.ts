/**
 * The only place that writes files. Every write is atomic (temp file + rename, via
 * write-file-atomic), so an interrupted run never leaves a half-written report or baseline; a run's
 * reports are written all or none (`writeAll`), and their paths are checked before any API call
 * (`checkWritable`).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AuditError } from '../errors.js';
import { jsonInert } from './escape.js';

export async function writeFileSafely(path: string, content: string): Promise<void> {
  try {
    refuseSpecial(path);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, content, { encoding: 'utf8' });
  } catch (error) {
    throw writeError(path, error);
  }
}

/**
 * Checks that `path` can be written: not under /proc, /sys or /dev (Node's recursive mkdir spins
 * forever under /proc), not a directory, and its nearest existing ancestor a writable directory
 * (proved by creating and removing a probe file there). Creates nothing that stays.
 */
export async function checkWritable(path: string, shown = path): Promise<void> {
  try {
    refuseSpecial(path);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new AuditError('E_WRITE', `${shown} is a directory; give a file path`);
    let dir = dirname(path);
    for (;;) {
      const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (info && !info.isDirectory())
        throw new AuditError('E_WRITE', `cannot write ${shown}: ${dir} is a file, not a directory`);
      if (info) break;
      if (dirname(dir) === dir) break;
      dir = dirname(dir);
    }
    refuseSpecial(await realpath(dir));
    await access(dir, constants.W_OK);
    const probe = join(dir, `.lambda-audit-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    await (await open(probe, 'wx')).close();
    await unlink(probe);
  } catch (error) {
    throw writeError(shown, error);
  }
}

/**
 * A file's content: its text, or its text in chunks (json-chunks.ts) for a file too big to hold as
 * one string. Chunks are produced while the file is written. A chunk may be bytes (UTF-8) when its
 * producer has them already (the findings state, src/state/table.ts); a chunk of bytes is not
 * changed once handed over.
 */
export type FileContent = string | Iterable<string | Uint8Array>;

/** Writes every file or none: all go to temp files first, and only then are renamed into place. */
export async function writeAll(
  files: readonly { readonly path: string; readonly content: FileContent }[],
): Promise<void> {
  const temps: { temp: string; path: string }[] = [];
  try {
    for (const { path, content } of files) {
      refuseSpecial(path);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      temps.push({ temp, path });
      if (typeof content === 'string') await writeFileAtomic(temp, content, { encoding: 'utf8' });
      else await writeChunks(temp, content);
    }
  } catch (error) {
    await Promise.all(temps.map(({ temp }) => unlink(temp).catch(() => undefined)));
    // A report that failed to render is our bug, not an unwritable path: it stays what it is.
    if (error instanceof ProducerError) throw error.cause;
    throw writeError(temps.at(-1)?.path ?? files[0]?.path ?? '', error);
  }
  for (const { temp, path } of temps) await rename(temp, path);
}

/** Characters gathered before a write: one write per chunk of a 100,000-function report would be 500,000 writes. */
const WRITE_BATCH = 1 << 16;

/** An error thrown while producing a file's chunks (a formatter's), told apart from a write's. */
class ProducerError extends Error {
  constructor(override readonly cause: unknown) {
    super('producing a file failed', { cause });
  }
}

/**
 * Chunks gathered into pieces of about `WRITE_BATCH` characters. A chunk of bytes is passed on as
 * it is, after the text before it: its producer batched it.
 */
export function batched(chunks: Iterable<string>, size?: number): Generator<string, void, undefined>;
export function batched(
  chunks: Iterable<string | Uint8Array>,
  size?: number,
): Generator<string | Uint8Array, void, undefined>;
export function* batched(
  chunks: Iterable<string | Uint8Array>,
  size = WRITE_BATCH,
): Generator<string | Uint8Array, void, undefined> {
  let batch: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    if (typeof chunk !== 'string') {
      if (length > 0) yield batch.join('');
      batch = [];
      length = 0;
      if (chunk.length > 0) yield chunk;
      continue;
    }
    batch.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield batch.join('');
      batch = [];
      length = 0;
    }
  }
  if (length > 0) yield batch.join('');
}

/** Writes chunks to a new file, a batch at a time, flushed to disk (as write-file-atomic does) before it is closed. */
async function writeChunks(path: string, chunks: Iterable<string | Uint8Array>): Promise<void> {
  const file = await open(path, 'wx', 0o666);
  try {
    const pieces = batched(chunks);
    // One write in flight while the next batch is produced: the disk and the formatter take turns otherwise.
    let writing: Promise<unknown> | undefined;
    try {
      for (;;) {
        let next: IteratorResult<string | Uint8Array>;
        try {
          next = pieces.next();
        } catch (error) {
          throw new ProducerError(error);
        }
        if (next.done === true) break;
        await writing;
        const piece = next.value;
        writing = typeof piece === 'string' ? file.write(piece, null, 'utf8') : file.write(piece);
      }
    } finally {
      await writing?.catch(() => undefined);
    }
    await writing;
    await file.sync();
  } finally {
    await file.close();
  }
}

const special = ['/proc', '/sys', '/dev'];

function refuseSpecial(path: string): void {
  const absolute = resolve(path);
  if (special.some((root) => absolute === root || absolute.startsWith(`${root}${sep}`)))
    throw new AuditError(
      'E_WRITE',
      `cannot write ${path}: reports cannot go under /proc, /sys or /dev (for standard output, give the format alone: --output json)`,
    );
}

function writeError(path: string, error: unknown): AuditError {
  if (error instanceof AuditError) return error;
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new AuditError(
    'E_WRITE',
    `could not write ${path} (${reason}); check that the directory exists and is writable`,
    { cause: error },
  );
}

/** JSON the way every file of ours is written: 2-space indent, one trailing newline. */
export function toJson(value: unknown): string {
  return `${jsonInert(JSON.stringify(value, null, 2))}\n`;
}
