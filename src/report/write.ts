/**
 * The only place that writes files. Every write is atomic (temp file + rename, via
 * write-file-atomic), so an interrupted run never leaves a half-written report or baseline.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AuditError } from '../errors.js';

export async function writeFileSafely(path: string, content: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, content, { encoding: 'utf8' });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new AuditError(
      'E_WRITE',
      `could not write ${path} (${reason}); check that the directory exists and is writable`,
      { cause: error },
    );
  }
}

/** JSON the way every file of ours is written: 2-space indent, one trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
