/**
 * Where a CLI scan's time goes, from outside: one `scan --no-exposure` of the built CLI against the
 * simulator (as `--only cli` runs it), printed as a timeline of request arrivals: each operation's
 * first and last arrival after the process was spawned, GetFunction arrivals per half second, and
 * every gap of more than 25 ms between two GetFunction arrivals (a stall of the crawling thread).
 * Not a benchmark (one run, no ratio): the tool for finding what `--only cli` measures.
 *
 * Usage: npm run build && node --import tsx bench/timeline.ts [functions] [-- extra scan args]
 * Node flags for the scanned process (e.g. --cpu-prof) go in TIMELINE_NODE_FLAGS.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrivals, settle, startSimulator } from './crawl.js';

const args = process.argv.slice(2);
const cut = args.indexOf('--');
const functions = Number(args[0] !== undefined && cut !== 0 ? args[0] : 1500);
const extra = cut === -1 ? [] : args.slice(cut + 1);
const sim = await startSimulator({ fleet: { functions, regions: ['us-east-1'] }, latencyMs: 40, recordArrivals: true });
const dir = mkdtempSync(join(tmpdir(), 'la-timeline-'));
try {
  await settle(sim.endpoint);
  await arrivals(sim.child);
  const bin = new URL('../bin/lambda-audit.js', import.meta.url).pathname;
  const nodeFlags = (process.env.TIMELINE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const start = performance.timeOrigin + performance.now();
  const scan = spawn(
    process.execPath,
    [
      ...nodeFlags,
      bin,
      ...['scan', '--endpoint', sim.endpoint, '--regions', 'us-east-1', '--no-exposure', '--no-drift'],
      ...['--fail-on', 'none', '-q', '--output', `json=${join(dir, 'scan.json')}`, ...extra],
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDTIMELINE',
        AWS_SECRET_ACCESS_KEY: 'timeline',
        LAMBDA_AUDIT_ENV_HASH_KEY: 'timeline-key-timeline',
      },
    },
  );
  await once(scan, 'exit');
  const end = performance.timeOrigin + performance.now();
  const seen = await arrivals(sim.child);
  const stats = (await (await fetch(`${sim.endpoint}/__simulator/stats`)).json()) as { throttled: number };
  const byOperation = new Map<string, number[]>();
  for (const a of seen) byOperation.set(a.operation, [...(byOperation.get(a.operation) ?? []), a.at - start]);
  const s = (ms: number): string => (ms / 1000).toFixed(3);
  console.log(`wall ${s(end - start)} s, throttled ${stats.throttled}`);
  for (const [operation, times] of byOperation)
    console.log(
      `${operation.padEnd(34)} ${String(times.length).padStart(5)}  first ${s(times[0]!)}  last ${s(times.at(-1)!)}`,
    );
  const throttled = seen.filter((a) => a.throttled === true);
  if (throttled.length > 0)
    console.log(`throttled (429): ${throttled.map((a) => `${s(a.at - start)} ${a.operation}`).join(', ')}`);
  const gets = byOperation.get('GetFunction') ?? [];
  const perHalf: number[] = [];
  for (const t of gets) perHalf[Math.floor(t / 500)] = (perHalf[Math.floor(t / 500)] ?? 0) + 1;
  console.log(`GetFunction per 0.5 s: ${Array.from(perHalf, (n) => n ?? 0).join(' ')}`);
  const gaps = gets
    .slice(1)
    .map((t, i) => ({ at: gets[i]!, gap: t - gets[i]! }))
    .filter((g) => g.gap > 25)
    .map((g) => `${s(g.at)}+${g.gap.toFixed(0)}ms`);
  console.log(`GetFunction gaps > 25 ms: ${gaps.join(' ') || 'none'}`);
  // Every arrival around the longest gap: what else the service saw then.
  const longest = gets
    .slice(1)
    .reduce((best, t, i) => (t - gets[i]! > best.gap ? { at: gets[i]!, gap: t - gets[i]! } : best), { at: 0, gap: 0 });
  if (longest.gap > 100)
    console.log(
      `around the longest gap: ${seen
        .filter((a) => a.at - start >= longest.at - 100 && a.at - start <= longest.at + longest.gap + 20)
        .map((a) => `${s(a.at - start)} ${a.operation}`)
        .join(', ')}`,
    );
} finally {
  sim.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
