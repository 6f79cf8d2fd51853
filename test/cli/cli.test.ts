import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { generateFleet } from '../../src/simulator/fleet.js';
import { ESM_RULES } from '../../src/simulator/event-sources.js';
import { planted, plantedEventSourceRules, score } from '../crawl/ground-truth.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';
import type { RegionStats } from '../../src/snapshot/types.js';

const creds = {
  AWS_ACCESS_KEY_ID: 'AKIDCLITEST',
  AWS_SECRET_ACCESS_KEY: 'cli-test-secret',
  LAMBDA_AUDIT_ENV_HASH_KEY: 'cli-test-hash-key-0123456789',
};

function expectCleanError(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('lambda-audit CLI', () => {
  it.each([
    [['scan', '--max-rps', 'fast'], /--max-rps expects a positive number, got "fast"/],
    [['scan', '--max-rps', '-5'], /--max-rps/],
    [['scan', '--concurrency', '2.5'], /--concurrency expects a positive integer/],
    [['scan', '--regions', 'us east 1'], /"us east 1" is not a region name/],
    [['scan', '--output', 'pdf=x.pdf'], /unknown format "pdf"/],
    [['scan', '--output', 'snapshot', '--output', 'snapshot'], /at most one --output may go to standard output/],
    [['scan', '--endpoint', 'not a url'], /expected a URL/],
    [['scan', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('rejects %j with exit 2 and one clear message', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expectCleanError(result.stderr, message);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with a clear message when no region is configured', async () => {
    const result = await runCli(['scan'], { env: creds });
    expect(result.code).toBe(2);
    expectCleanError(result.stderr, /no region: pass --regions/);
  });

  it('exits 2 with a clear message when there are no credentials', async () => {
    const result = await runCli(['scan', '--regions', 'us-east-1', '--endpoint', 'http://127.0.0.1:9']);
    expect(result.code).toBe(2);
    expectCleanError(result.stderr, /no AWS credentials found/);
  });

  it('--help shows examples and exit codes; --version prints the version', async () => {
    const help = await runCli(['scan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/3 {2}the crawl is incomplete/);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('scans an endpoint from AWS_ENDPOINT_URL_LAMBDA, writes a valid snapshot, summary on stderr, stdout clean', async () => {
    await withSimulator({ fleet: { functions: 40, regions: ['us-east-1', 'eu-west-1'] } }, async (_sim, endpoint) => {
      const cwd = tempDir('la-env-');
      const result = await runCli(
        ['scan', '--regions', 'us-east-1,eu-west-1', '--fail-on', 'none', '--output', 'snapshot=out/snap.json'],
        { cwd, env: { ...creds, AWS_ENDPOINT_URL_LAMBDA: endpoint } },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      const snapshot = JSON.parse(readFileSync(join(cwd, 'out/snap.json'), 'utf8')) as unknown;
      expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
      expect(result.stderr).toMatch(
        /123456789012 us-east-1: 20 listed, 20 fetched, 0 vanished, 0 denied, 0 failed;.*complete/,
      );
      expect(result.stderr).toMatch(/123456789012 eu-west-1: 20 listed/);
    });
  });

  it('exits 3 exactly when some function could not be fetched, and still writes every function', async () => {
    await withSimulator(
      { fleet: { functions: 60, regions: ['us-east-1'] }, faults: { denyRate: 0.1 } },
      async (_sim, endpoint) => {
        const result = await runCli(
          ['scan', '--regions', 'us-east-1', '--endpoint', endpoint, '--fail-on', 'none', '--output', 'snapshot'],
          { env: creds },
        );
        expect(result.code).toBe(3);
        const snapshot = JSON.parse(result.stdout) as {
          functions: { status: string }[];
          regions: { complete: boolean }[];
        };
        expect(snapshot.functions).toHaveLength(60);
        expect(snapshot.functions.some((f) => f.status === 'denied')).toBe(true);
        expect(snapshot.regions[0]?.complete).toBe(false);
        expect(result.stderr).toMatch(/crawl incomplete/);
      },
    );
  });

  it('the demo writes a text summary to stdout and a report and snapshot under reports/, valid against the schemas, with every built-in rule firing', async () => {
    const cwd = tempDir('la-demo-');
    const result = await runCli(['scan', '--demo', '--quiet', '--fail-on', 'none'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^lambda-audit .*: 1000 function records in 2 account-region\(s\)/);
    const [stamp] = readdirSync(join(cwd, 'reports'));
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    const snapshot = JSON.parse(readFileSync(join(cwd, 'reports', stamp!, 'snapshot.json'), 'utf8')) as {
      functions: unknown[];
    };
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    expect(snapshot.functions).toHaveLength(1000);
    expect(readdirSync(join(cwd, 'reports', stamp!)).sort()).toEqual([
      'report.html',
      'report.json',
      'report.sarif',
      'snapshot.json',
    ]);
    const report = JSON.parse(readFileSync(join(cwd, 'reports', stamp!, 'report.json'), 'utf8')) as {
      findings: { ruleId: string; arn: string }[];
      rules: { id: string }[];
    };
    expect(schemaErrors('report', report)).toBeUndefined();
    const fired = new Set(report.findings.map((f) => f.ruleId));
    expect(report.rules.map((r) => r.id).filter((id) => !fired.has(id))).toEqual([]);
    // The exposure rules and dlq-missing find exactly what the demo fleet planted, in JSON and SARIF.
    const evaluated = new Set(
      (snapshot.functions as { arn: string; status: string }[]).filter((f) => f.status === 'ok').map((f) => f.arn),
    );
    const expected = planted(generateFleet(), evaluated);
    const exact = { precision: 1, recall: 1, falsePositives: [], falseNegatives: [] };
    expect(score(expected, report.findings)).toEqual(exact);
    const sarif = JSON.parse(readFileSync(join(cwd, 'reports', stamp!, 'report.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; properties: { arn: string } }[] }[];
    };
    expect(
      score(
        expected,
        sarif.runs[0]!.results.map((r) => ({ ruleId: r.ruleId, arn: r.properties.arn })),
      ),
    ).toEqual(exact);
    // The event source mapping rules find exactly the planted mappings (event-sources.ts).
    const mappings = plantedEventSourceRules(generateFleet(), evaluated);
    expect(mappings.size).toBeGreaterThan(0);
    expect(score(mappings, report.findings, ESM_RULES)).toEqual(exact);
    // GetPolicy at its 15 rps quota makes the 1,000-function demo take 35 s or more.
  }, 180_000);

  it('Ctrl-C stops the crawl with exit 130 and leaves no file behind', async () => {
    // The slow listing (2 rps, 8 pages) means the interrupt lands while ListFunctions pages are
    // still coming and GetFunction calls are in flight: the calls started for the listed
    // functions reject together, before the crawl waits for them (once an unhandled rejection
    // that ended the process with exit 1). The signal is sent when the simulator has seen the
    // crawl start, not after a fixed time, so a slow start under load cannot send it before the
    // CLI handles Ctrl-C.
    await withSimulator(
      { fleet: { functions: 400, regions: ['us-east-1'] }, quotas: { getFunction: 20, controlPlane: 2 } },
      async (sim, endpoint) => {
        const cwd = tempDir('la-int-');
        let timer: NodeJS.Timeout | undefined;
        const result = await runCli(
          ['scan', '--regions', 'us-east-1', '--endpoint', endpoint, '--output', 'snapshot=snap.json'],
          {
            cwd,
            env: creds,
            onSpawn: (child) => {
              timer = setInterval(() => {
                if ((sim.stats.byOperation.GetFunction ?? 0) < 5) return;
                clearInterval(timer);
                child.kill('SIGINT');
              }, 20);
            },
          },
        );
        clearInterval(timer);
        expect(sim.stats.byOperation.ListFunctions ?? 0).toBeLessThan(8); // interrupted mid-listing
        expect(result.code, result.stderr).toBe(130);
        expect(result.stderr).toMatch(/interrupted; no output was written/);
        expect(readdirSync(cwd)).toEqual([]);
      },
    );
  });

  it('the installed bin runs from dist (npm ci builds it)', async () => {
    expect(existsSync(join(repoRoot, 'dist/cli/main.js')), 'dist/ is missing: run npm ci or npm run build').toBe(true);
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [join(repoRoot, 'bin/lambda-audit.js'), '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/Usage: lambda-audit/);
  });

  it('the installed bin crawls over crawler threads from dist (--threads 2)', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const cwd = tempDir('la-threads-');
    const report = join(cwd, 'report.json');
    const args = ['scan', '--demo', '--threads', '2', '--no-exposure', '--fail-on', 'none'];
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot, 'bin/lambda-audit.js'), ...args, '--output', `json=${report}`],
      { cwd, encoding: 'utf8', timeout: 120_000 },
    );
    const crawl = (JSON.parse(readFileSync(report, 'utf8')) as { crawl: RegionStats[] }).crawl;
    expect(crawl.map((r) => [r.region, r.listed, r.complete])).toEqual([
      ['eu-west-1', 500, true],
      ['us-east-1', 500, true],
    ]);
    expect(stderr).not.toMatch(/CrawlerThreadFailed|Warning/);
  });
});
