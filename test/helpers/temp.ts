/**
 * Everything a test creates on disk or starts as a process goes through here, so the suite leaves
 * nothing behind: directories from `tempDir()` are removed and processes from `track()` are killed
 * after each test file (test/helpers/setup.ts registers `cleanup()` in afterAll, for every file).
 *
 *   const dir = tempDir('la-baseline-');          // removed when the file's tests are done
 *   const server = track(spawn('python3', [...])); // SIGTERM, then SIGKILL, at the same time
 *
 * Use them instead of mkdtempSync(tmpdir()) and bare spawn() in tests.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
const children = new Set<ChildProcess>();

/** A fresh directory under the OS temp dir, removed (with its contents) after the test file. */
export function tempDir(prefix = 'la-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Registers a child process to be killed after the test file if it is still running. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills tracked processes (waiting for them to exit) and removes temp dirs. */
export async function cleanup(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(hard);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
