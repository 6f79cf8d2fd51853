import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir, track } from './temp.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** tsx's loader by absolute URL: `--import tsx` would resolve from the child's cwd. */
const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI (from source) in a child process with a clean environment: no AWS variables or
 * profiles from the machine leak in, HOME is a fresh directory.
 */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    signalAfterMs?: [NodeJS.Signals, number];
    /** Gets the child once spawned, e.g. to signal it when the test sees it reach some point. */
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  const home = tempDir('la-home-');
  const child = track(
    spawn(process.execPath, ['--import', tsxLoader, join(repoRoot, 'test/helpers/cli-entry.ts'), ...args], {
      cwd: options.cwd ?? tempDir('la-cwd-'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        NODE_PATH: join(repoRoot, 'node_modules'),
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  options.onSpawn?.(child);
  if (options.signalAfterMs) {
    const [signal, ms] = options.signalAfterMs;
    setTimeout(() => child.kill(signal), ms);
  }
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
