/**
 * moto (`python3 -m moto.server`), a real third-party implementation of the Lambda, STS,
 * Organizations and EC2 APIs, on a free loopback port. Use it inside `describeWithTool('moto', ...)`
 * (tools.ts), so a machine without python3 + moto skips with a notice and CI fails instead.
 * The server is tracked (temp.ts) and stopped after the test file even when a test throws.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { track } from './temp.js';

export interface Moto {
  readonly endpoint: string;
  readonly process: ChildProcess;
}

/** `env`: more variables for the server (`MOTO_IAM_LOAD_MANAGED_POLICIES: 'true'` for AWS managed policies). */
export async function startMoto(deadlineMs = 30_000, env: Readonly<Record<string, string>> = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = track(
    spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
      env: { ...process.env, ...env },
    }),
  );
  await waitUntilUp(`${endpoint}/moto-api/`, deadlineMs);
  return { endpoint, process: child };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilUp(url: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`moto did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
