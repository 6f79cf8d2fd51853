// SARIF at organisation size: never an account left out, every file within GitHub's limits.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/run.js';
import { GITHUB_LIMITS, sarifReport } from '../../src/report/sarif.js';
import { sarifPartPath, sarifParts } from '../../src/report/sarif-split.js';
import type { Finding, RuleMeta } from '../../src/rules/types.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

interface SarifLog {
  runs: {
    automationDetails: { id: string };
    results: unknown[];
    properties: { account: string };
    invocations: {
      toolExecutionNotifications?: { level: string; descriptor: { id: string }; message: { text: string } }[];
    }[];
  }[];
}

const ajv = new Ajv4.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object,
);

/** What GitHub checks on upload, and the OASIS schema; returns the accounts the file covers. */
function githubChecks(text: string, limits = GITHUB_LIMITS): string[] {
  const log = JSON.parse(text) as SarifLog;
  expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  expect(log.runs.length).toBeLessThanOrEqual(limits.runsPerFile);
  expect(gzipSync(text).length).toBeLessThanOrEqual(limits.gzippedBytes);
  for (const run of log.runs) expect(run.results.length).toBeLessThanOrEqual(limits.resultsPerRun);
  const categories = log.runs.map((r) => r.automationDetails.id);
  expect(new Set(categories).size).toBe(categories.length);
  return log.runs.map((r) => r.properties.account);
}

const account = (i: number): string => String(100000000000 + i);
const rule: RuleMeta = {
  id: 'runtime-deprecated',
  title: 'Deprecated runtime',
  severity: 'high',
  description: 'd',
  remediation: 'r',
  docs: 'https://docs.aws.amazon.com/lambda/',
  source: 'x',
};

function orgRun(accounts: number, findingsPerAccount: number): RunResult {
  const findings: Finding[] = [];
  for (let a = 0; a < accounts; a++)
    for (let i = 0; i < findingsPerAccount; i++)
      findings.push({
        ruleId: rule.id,
        severity: 'high',
        title: 't',
        message: `runtime nodejs14.x is deprecated in function number ${i} of account ${a}`,
        arn: `arn:aws:lambda:us-east-1:${account(a)}:function:f${i}`,
        account: account(a),
        region: 'us-east-1',
        functionName: `f${i}`,
        qualifier: '$LATEST',
        suppressed: false,
      });
  return {
    snapshot: {
      tool: { version: '0' },
      regions: Array.from({ length: accounts }, (_, a) => ({
        account: account(a),
        region: 'us-east-1',
        complete: true,
      })),
      functions: [],
    },
    asOf: '2026-11-22',
    rules: [rule],
    findings,
    notJudged: [],
    suppressions: [],
    drift: undefined,
  } as unknown as RunResult;
}

describe('SARIF split over files', () => {
  it('40 accounts: two files of 20 runs, every account once, each file passes the GitHub checks', () => {
    const warnings: string[] = [];
    const parts = sarifParts(orgRun(40, 3), { color: false, warn: (w) => warnings.push(w) });
    expect(parts).toHaveLength(2);
    const covered = parts.flatMap((p) => githubChecks(p.content));
    expect(covered).toEqual(Array.from({ length: 40 }, (_, a) => account(a)));
    expect(warnings).toEqual([]);
  });

  it('skipped accounts: a note in every run of every file, which all still pass the GitHub checks', () => {
    const skipped = [
      { account: '999999999998', name: 'sandbox', reason: 'state SUSPENDED' },
      { account: '999999999999', reason: 'excluded (--exclude-accounts)' },
    ];
    const run = orgRun(45, 2);
    const withSkipped = { ...run, snapshot: { ...run.snapshot, skippedAccounts: skipped } } as RunResult;
    const parts = sarifParts(withSkipped, { color: false, warn: () => undefined });
    expect(parts).toHaveLength(3);
    for (const part of parts) {
      githubChecks(part.content);
      const log = JSON.parse(part.content) as SarifLog;
      for (const r of log.runs)
        expect(
          r.invocations[0]!.toolExecutionNotifications?.map((n) => `${n.level} ${n.descriptor.id} ${n.message.text}`),
        ).toEqual([
          'note account-skipped account 999999999998 (sandbox) skipped, not crawled: state SUSPENDED',
          'note account-skipped account 999999999999 skipped, not crawled: excluded (--exclude-accounts)',
        ]);
    }
    // No run of their own: a run without results would close their alerts.
    const covered = parts.flatMap((p) => (JSON.parse(p.content) as SarifLog).runs.map((r) => r.properties.account));
    expect(covered).toEqual(Array.from({ length: 45 }, (_, a) => account(a)));
  });

  it('a group over the gzipped size is halved until it fits, without dropping results', () => {
    const run = orgRun(8, 200);
    const limits = { ...GITHUB_LIMITS, gzippedBytes: 12_000 };
    const warnings: string[] = [];
    const parts = sarifParts(run, { color: false, warn: (w) => warnings.push(w) }, limits);
    expect(parts.length).toBeGreaterThan(1);
    const covered = parts.flatMap((p) => githubChecks(p.content, limits));
    expect(covered).toEqual(Array.from({ length: 8 }, (_, a) => account(a)));
    const results = parts.reduce(
      (n, p) => n + (JSON.parse(p.content) as SarifLog).runs.flatMap((r) => r.results).length,
      0,
    );
    expect(results).toBe(8 * 200);
    expect(warnings).toEqual([]);
  });

  it('a run that fits one file is exactly what sarifReport writes', () => {
    const run = orgRun(5, 2);
    const options = { color: false, warn: () => undefined };
    expect(sarifParts(run, options).map((p) => p.content)).toEqual([sarifReport(run, options)]);
  });

  it('names the files PATH, PATH-2.sarif, ...', () => {
    expect(sarifPartPath('out/r.sarif', 0)).toBe('out/r.sarif');
    expect(sarifPartPath('out/r.sarif', 1)).toBe('out/r-2.sarif');
    expect(sarifPartPath('out/report', 2)).toBe('out/report-3.sarif');
  });

  it('scan of 22 accounts writes two SARIF files into the directory and says so', async () => {
    const ids = Array.from({ length: 22 }, (_, i) => account(i));
    await withSimulator(
      {
        fleet: { functions: 2, regions: ['us-east-1'], account: ids[0]! },
        otherAccounts: Object.fromEntries(ids.slice(1).map((id) => [id, { functions: 2, regions: ['us-east-1'] }])),
        accounts: Object.fromEntries(ids.map((id) => [`AKID${id}`, id])),
      },
      async (_sim, endpoint) => {
        const cwd = tempDir('la-sarif-split-');
        writeFileSync(
          join(cwd, 'credentials'),
          ids.map((id) => `[p${id}]\naws_access_key_id = AKID${id}\naws_secret_access_key = x\n`).join('\n'),
        );
        const result = await runCli(
          [
            'scan',
            ...ids.flatMap((id) => ['--profile', `p${id}`]),
            '--regions',
            'us-east-1',
            '--endpoint',
            endpoint,
            '--fail-on',
            'none',
            '--no-drift',
            '--output',
            'sarif=sarif/lambda-audit.sarif',
          ],
          {
            cwd,
            env: {
              AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'credentials'),
              LAMBDA_AUDIT_ENV_HASH_KEY: 'sarif-split-test-key-0123',
            },
          },
        );
        expect(result.code, result.stderr).toBe(0);
        expect(readdirSync(join(cwd, 'sarif')).sort()).toEqual(['lambda-audit-2.sarif', 'lambda-audit.sarif']);
        expect(result.stderr).toMatch(/SARIF: 2 files .*upload each of them/);
        const covered = ['lambda-audit.sarif', 'lambda-audit-2.sarif'].flatMap((f) =>
          githubChecks(readFileSync(join(cwd, 'sarif', f), 'utf8')),
        );
        expect(covered).toEqual(ids);
      },
    );
  }, 60_000);
});
