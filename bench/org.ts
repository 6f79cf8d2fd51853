/**
 * Organisation benchmark (issue 13): 40 account-regions crawled at once, each at Lambda's real
 * quotas (the simulator gives every account-region its own buckets), against the same
 * account-regions crawled one at a time. Crawled as the CLI crawls them (src/cli/source.ts): one
 * job per account-region, spread over crawler threads (src/crawl/threads.ts), default (lean) exposure reads.
 */
import { readFileSync } from 'node:fs';
import type { AccountRegionJob } from '../src/crawl/account-region.js';
import type { CrawlResult } from '../src/crawl/crawler.js';
import { autoThreads, crawlAll } from '../src/crawl/threads.js';
import { envHashKey } from '../src/snapshot/redact.js';
import type { SimulatorStats } from '../src/simulator/server.js';
import { settle, startSimulator } from './crawl.js';

export interface OrgScenario {
  readonly accounts: number;
  readonly regionsPerAccount: number;
  readonly functionsPerRegion: number;
  /** Account-regions crawled alone for the comparison (the slowest of them counts). @default 3 */
  readonly aloneSamples?: number;
  /** Crawler threads for the run at once. @default autoThreads, as the CLI */
  readonly threads?: number;
}

export interface OrgRow {
  /** Crawler threads of the run at once. */
  readonly threads: number;
  readonly accountRegions: number;
  readonly functions: number;
  readonly parallelWallS: number;
  /** The slowest of the sampled account-regions, each crawled alone. */
  readonly slowestAloneS: number;
  readonly ratio: number;
  readonly cpuMsPerFn: number;
  /** The simulator's CPU over the same run: on a 2-core machine both share the cores. */
  readonly simulatorCpuMsPerFn: number;
  readonly throttledPct: number;
  readonly lost: number;
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1', 'eu-central-1', 'us-west-2'];
const key = envHashKey(Buffer.from('bench-key-bench-key'));

/** CPU seconds a process has used (utime + stime from /proc), or NaN where there is no /proc. */
function processCpuS(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, _SC_CLK_TCK = 100 on Linux
  } catch {
    return NaN;
  }
}

const accountId = (i: number): string => String(210_000_000_000 + i * 1_111).padStart(12, '0');

export async function runOrgScenario(scenario: OrgScenario): Promise<OrgRow> {
  const threads = scenario.threads;
  const ids = Array.from({ length: scenario.accounts }, (_, i) => accountId(i));
  const regions = REGIONS.slice(0, scenario.regionsPerAccount);
  const fleet = (i: number) => ({ functions: scenario.functionsPerRegion * regions.length, regions, seed: 1000 + i });
  const sim = await startSimulator({
    fleet: { ...fleet(0), account: ids[0]! },
    otherAccounts: Object.fromEntries(ids.slice(1).map((id, i) => [id, fleet(i + 1)])),
    accounts: Object.fromEntries(ids.map((id) => [`AKID${id}`, id])),
    latencyMs: 40,
  });
  const jobs: AccountRegionJob[] = ids.flatMap((account) =>
    regions.map((region) => ({
      account,
      region,
      key,
      settings: { exposure: 'lean' as const, concurrency: 32 },
      client: {
        endpoint: sim.endpoint,
        ec2Endpoint: sim.endpoint, // the simulator serves DescribeSubnets (subnet zones) too
        logsEndpoint: sim.endpoint, // and DescribeLogGroups (without it: AWS, unreachable, timeouts)
        credentials: { accessKeyId: `AKID${account}`, secretAccessKey: 'bench' },
        maxSockets: 32 + 16, // as the CLI: --concurrency 32, plus the shared and GetPolicy lanes
      },
    })),
  );
  const crawlJobs = (batch: AccountRegionJob[], parallel: number): Promise<CrawlResult[]> =>
    crawlAll(batch, { parallel, signal: new AbortController().signal, ...(threads === undefined ? {} : { threads }) });
  try {
    // Alone: the first, a middle and the last account-region (every fleet has the same shape).
    const samples = scenario.aloneSamples ?? 3;
    const picked = [
      ...new Set(
        Array.from({ length: samples }, (_, i) => Math.round((i * (jobs.length - 1)) / Math.max(1, samples - 1))),
      ),
    ];
    let slowestAlone = 0;
    for (const i of picked) {
      await settle(sim.endpoint);
      const t0 = performance.now();
      await crawlJobs([jobs[i]!], 1);
      const wall = (performance.now() - t0) / 1000;
      slowestAlone = Math.max(slowestAlone, wall);
      console.error(`  alone ${jobs[i]!.account}/${jobs[i]!.region}: ${wall.toFixed(1)}s`);
    }
    // All at once: the global bound (--parallel) set to the number of account-regions.
    await settle(sim.endpoint);
    const cpu0 = process.cpuUsage();
    const sim0 = processCpuS(sim.child.pid);
    const t0 = performance.now();
    const results = await crawlJobs(jobs, jobs.length);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const simCpuS = processCpuS(sim.child.pid) - sim0;
    const stats = (await (await fetch(`${sim.endpoint}/__simulator/stats`)).json()) as SimulatorStats;
    const functions = jobs.length * scenario.functionsPerRegion;
    const ok = results.reduce((n, r) => n + r.functions.filter((f) => f.status === 'ok').length, 0);
    const row: OrgRow = {
      threads: threads ?? autoThreads(jobs.length),
      accountRegions: jobs.length,
      functions,
      parallelWallS: wall,
      slowestAloneS: slowestAlone,
      ratio: wall / slowestAlone,
      cpuMsPerFn: (cpu.user + cpu.system) / 1000 / functions,
      simulatorCpuMsPerFn: (simCpuS * 1000) / functions,
      throttledPct: (100 * stats.throttled) / Math.max(1, stats.requests),
      lost: functions - ok,
    };
    console.error(
      `  ${jobs.length} account-regions at once on ${row.threads} threads: ${wall.toFixed(1)}s (${row.ratio.toFixed(2)}x the slowest alone), ${row.cpuMsPerFn.toFixed(2)} CPU ms/fn, lost ${row.lost}`,
    );
    return row;
  } finally {
    sim.child.kill('SIGTERM');
  }
}

export async function benchOrg(
  scenario: OrgScenario = { accounts: 10, regionsPerAccount: 4, functionsPerRegion: 150 },
): Promise<string[]> {
  const r = await runOrgScenario(scenario);
  return [
    '### Organisation: account-regions crawled at once',
    '',
    `${scenario.accounts} accounts x ${scenario.regionsPerAccount} regions x ${scenario.functionsPerRegion} functions, each account-region at the real quotas (GetFunction 100 rps, GetPolicy 15 rps, control plane 15 rps), 40 ms per answer, default exposure reads; the simulator in one child process.`,
    '',
    '| account-regions | threads | functions | wall s, all at once | slowest alone s | ratio | CPU ms/fn | simulator CPU ms/fn | throttled % | lost |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${r.accountRegions} | ${r.threads} | ${r.functions} | ${r.parallelWallS.toFixed(1)} | ${r.slowestAloneS.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.cpuMsPerFn.toFixed(2)} | ${r.simulatorCpuMsPerFn.toFixed(2)} | ${r.throttledPct.toFixed(2)} | ${r.lost} |`,
    '',
    'ratio = wall of all at once / the slowest sampled account-region crawled alone (target: at most 1.1); CPU ms/fn = the crawling process (not the simulator) over all functions; simulator CPU ms/fn = the simulator process over the same run.',
    '',
  ];
}
