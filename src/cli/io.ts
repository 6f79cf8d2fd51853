import { inert } from '../report/escape.js';

/** The process edges a command may touch; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly now: () => Date;
  /** Aborts on Ctrl-C. */
  readonly signal: AbortSignal;
}

/** Log lines name input files and values: made inert, so no escape sequence of theirs reaches the terminal. */
export function logTo(io: CliIo, quiet = false): (line: string) => void {
  return (line) => {
    if (!quiet) io.stderr.write(`${inert(line)}\n`);
  };
}

/** `2026-11-22T03-04-05Z`: a UTC timestamp that is a valid file name everywhere. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}
