import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { repoRoot } from './cli.js';

/** An in-process CliIo that records stdout and stderr. */
export function captureIo(overrides: Partial<CliIo> = {}): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({ write: (chunk: Buffer, _enc, cb) => (append(chunk.toString()), cb()) });
  const io: CliIo = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: {},
    cwd: repoRoot,
    now: () => new Date('2026-11-22T03:00:00Z'),
    signal: new AbortController().signal,
    ...overrides,
  };
  return { io, stdout: () => out, stderr: () => err };
}
