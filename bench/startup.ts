/**
 * Start-up of the CLI: `--version` wall time, and for `scan --no-exposure` against the simulator the
 * time from process start to the first HTTP request (ListFunctions) and the CPU until then (main
 * thread and whole process); a preload (PROBE below) reads both in the process, less noisy than timing from
 * outside). Best of RUNS (default 5). Needs `npm run build`.
 *   node --import tsx bench/startup.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle, startSimulator } from './crawl.js';

const runs = Number(process.env.RUNS ?? 5);
/** BIN=path: another build's bin (a baseline checkout), compared on the same machine at the same time. */
const bin = process.env.BIN ?? new URL('../bin/lambda-audit.js', import.meta.url).pathname;
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'x',
  LAMBDA_AUDIT_ENV_HASH_KEY: 'bench-key-bench-key',
};

/** Preloaded into the scan (--import). */
const PROBE = `// Preloaded by bench/startup.ts (--import): at the first HTTP request, prints the time since process
// start, the main thread's CPU (/proc/self/task/PID/stat, 10 ms ticks on Linux) and the process's.
import dc from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';

function mainThreadCpuMs() {
  try {
    const stat = readFileSync(\`/proc/self/task/\${process.pid}/stat\`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, at USER_HZ 100
  } catch {
    return -1;
  }
}

let done = false;
dc.subscribe('http.client.request.start', ({ request }) => {
  if (done) return;
  done = true;
  const cpu = process.cpuUsage();
  const line = {
    at: Math.round(performance.now()),
    mainCpu: mainThreadCpuMs(),
    cpu: Math.round((cpu.user + cpu.system) / 1000),
    path: request.path.slice(0, 40),
  };
  process.stderr.write(\`STARTUP \${JSON.stringify(line)}\n\`);
});
`;

async function timed(args: string[]): Promise<{ wallMs: number; stderr: string }> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await once(child, 'exit');
  return { wallMs: performance.now() - start, stderr };
}

const version: number[] = [];
for (let i = 0; i < runs; i++) version.push((await timed([bin, '--version'])).wallMs);

const sim = await startSimulator({ fleet: { functions: 200, regions: ['us-east-1'] }, latencyMs: 40 });
await settle(sim.endpoint);
const dir = mkdtempSync(join(tmpdir(), 'startup-'));
const probe = join(dir, 'probe.mjs');
writeFileSync(probe, PROBE);
const firstAt: number[] = [];
const mainCpu: number[] = [];
const cpu: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const { stderr } = await timed([
      '--import',
      probe,
      bin,
      'scan',
      ...['--endpoint', sim.endpoint, '--regions', 'us-east-1', '--no-exposure', '--no-drift', '--fail-on', 'none'],
      ...['-q', '--output', `json=${join(dir, 'r.json')}`],
    ]);
    const line = /STARTUP (.*)/.exec(stderr)?.[1];
    if (line === undefined) throw new Error(`no request seen:\n${stderr}`);
    const seen = JSON.parse(line) as { at: number; mainCpu: number; cpu: number; path: string };
    if (i === 0) console.log(`first request: ${seen.path}`);
    firstAt.push(seen.at);
    mainCpu.push(seen.mainCpu);
    cpu.push(seen.cpu);
  }
} finally {
  sim.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
const best = (xs: number[]): string => `${Math.round(Math.min(...xs))} ms (all: ${xs.map(Math.round).join(', ')})`;
console.log(`--version wall:                      ${best(version)}`);
console.log(`scan: process start to 1st request: ${best(firstAt)}`);
console.log(`scan: main-thread CPU until then:   ${best(mainCpu)}`);
console.log(`scan: process CPU until then:       ${best(cpu)}`);
