// scratch: one CLI scan, timeline of arrivals
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle, startSimulator } from './crawl.js';
const functions = Number(process.env.N ?? 1500);
const extra = (process.env.EXTRA ?? '').split(/\s+/).filter(Boolean);
const sim = await startSimulator({ fleet: { functions, regions: ['us-east-1'] }, latencyMs: 40, recordArrivals: true });
const dir = mkdtempSync(join(tmpdir(), 'tl-'));
await settle(sim.endpoint);
const getArr = async () => { const p = new Promise<any[]>((r) => { const on = (m: any) => { if (m.type !== 'arrivals') return; sim.child.off('message', on); r(m.arrivals); }; sim.child.on('message', on); }); sim.child.send({ type: 'arrivals' }); return p; };
await getArr();
const bin = new URL('../bin/lambda-audit.js', import.meta.url).pathname;
const start = performance.timeOrigin + performance.now();
const child = spawn(process.execPath, [...(process.env.NODEFLAGS ?? '').split(' ').filter(Boolean), bin, 'scan', '--endpoint', sim.endpoint, '--regions', 'us-east-1', '--no-exposure', '--no-drift', '--fail-on', 'none', '-q', '--output', `json=${join(dir, 's.json')}`, ...extra], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', LAMBDA_AUDIT_ENV_HASH_KEY: 'bench-key-bench-key' } });
await once(child, 'exit');
const end = performance.timeOrigin + performance.now();
const seen = await getArr();
const stats = await (await fetch(`${sim.endpoint}/__simulator/stats`)).json();
const svc = await (await fetch(`${sim.endpoint}/__simulator/stats/services`)).json().catch(() => ({}));
const ops = new Map<string, number[]>();
for (const a of seen) { if (!ops.has(a.operation)) ops.set(a.operation, []); ops.get(a.operation)!.push(a.at - start); }
console.log('wall', ((end - start) / 1000).toFixed(3), 'throttled', stats.throttled, JSON.stringify(svc));
for (const [op, ts] of ops) console.log(op.padEnd(32), String(ts.length).padStart(5), 'first', (ts[0]! / 1000).toFixed(3), 'last', (ts.at(-1)! / 1000).toFixed(3));
const gets = ops.get('GetFunction') ?? [];
// per 500 ms GetFunction counts
const buckets: number[] = [];
for (const t of gets) buckets[Math.floor(t / 500)] = (buckets[Math.floor(t / 500)] ?? 0) + 1;
console.log('GF/0.5s:', Array.from(buckets, (b) => b ?? 0).join(' '));
// gaps > 30ms
const gaps = gets.slice(1).map((t, i) => [t - gets[i]!, gets[i]!]).filter(([g]) => g! > 25).map(([g, t]) => `${(t! / 1000).toFixed(2)}:${g!.toFixed(0)}`);
console.log('gaps>25ms', gaps.join(' '));
sim.child.kill('SIGTERM');
