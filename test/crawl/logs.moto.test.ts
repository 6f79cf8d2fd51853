// Log groups against moto, a third-party implementation of the Lambda and CloudWatch Logs APIs:
// functions with log groups kept 14 days, kept forever, encrypted with a KMS key, a custom
// LoggingConfig.LogGroup, and a function that never logged, created with boto3; then
// `lambda-audit scan` crawls it (the real AWS SDK over HTTP; the Logs endpoint is the Lambda one,
// as with any local emulator) and the verdicts are checked per function. moto answers
// `logGroupIdentifiers` with every group (it ignores the filter), and does not keep a function's
// `LoggingConfig` (GetFunction returns none): the function created with a custom log group is, to
// moto, a function logging to `/aws/lambda/custom-group`, which does not exist. The simulator
// (log-groups.test.ts) covers custom groups read by name. Skipped, with a notice, without python3 + moto.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/types.js';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { startMoto } from '../helpers/moto.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool } from '../helpers/tools.js';

const run = promisify(execFile);
const env = (endpoint: string) => ({
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_LAMBDA: endpoint,
  LAMBDA_AUDIT_ENV_HASH_KEY: 'logs-moto-key-0123456789',
});

interface Report {
  findings: { ruleId: string; functionName: string }[];
  notJudged?: { ruleId: string; reason: string; functions: string[] }[];
}

let endpoint: string;
let key: string;
let result: CliResult;
let snapshot: Snapshot;
let report: Report;

describeWithTool('moto', 'log groups against moto', () => {
  beforeAll(async () => {
    ({ endpoint } = await startMoto());
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed_logs.py`, endpoint]);
    ({ key } = JSON.parse(stdout) as { key: string });
    const cwd = tempDir('la-logs-moto-');
    result = await runCli(
      ['scan', '--no-drift', '--fail-on', 'none', '--output', 'snapshot=s.json', '--output', 'json=r.json'],
      { cwd, env: env(endpoint) },
    );
    snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as Snapshot;
    report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Report;
  }, 120_000);

  const logGroupOf = (name: string) => snapshot.functions.find((f) => f.name === name)?.logGroup;
  const findings = (ruleId: string): string[] =>
    report.findings
      .filter((f) => f.ruleId === ruleId)
      .map((f) => f.functionName)
      .sort();

  it("crawls to a complete, valid snapshot with each function's log group", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    expect(logGroupOf('kept-14-days')).toEqual({ logGroupName: '/aws/lambda/kept-14-days', retentionInDays: 14 });
    expect(logGroupOf('kept-forever')).toEqual({ logGroupName: '/aws/lambda/kept-forever' });
    expect(logGroupOf('encrypted')).toEqual({
      logGroupName: '/aws/lambda/encrypted',
      retentionInDays: 30,
      kmsKeyId: key,
    });
    // moto dropped its LoggingConfig (above): no `/aws/lambda/custom-group`, so no group.
    expect(snapshot.functions.find((f) => f.name === 'custom-group')?.configuration.LoggingConfig).toBeUndefined();
    expect(logGroupOf('custom-group')).toBeNull();
    expect(logGroupOf('never-logged')).toBeNull();
    for (const f of snapshot.functions) expect(f.unknown?.filter((u) => u.path === 'logGroup') ?? []).toEqual([]);
  });

  it('fires log-retention-missing and log-group-kms-missing per function, never on a function with no group', () => {
    expect(findings('log-retention-missing')).toEqual(['kept-forever']);
    expect(findings('log-group-kms-missing')).toEqual(['kept-14-days', 'kept-forever']);
    expect((report.notJudged ?? []).filter((n) => n.ruleId.startsWith('log-'))).toEqual([]);
  });

  it('--no-log-groups: both rules not judged (skipped), no finding', async () => {
    const cwd = tempDir('la-logs-moto-skip-');
    const skipped = await runCli(
      ['scan', '--no-drift', '--no-log-groups', '--fail-on', 'none', '--output', 'json=r.json'],
      { cwd, env: env(endpoint) },
    );
    expect(skipped.code, skipped.stderr).toBe(0);
    const r = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Report;
    expect(r.findings.filter((f) => f.ruleId.startsWith('log-retention') || f.ruleId.startsWith('log-group'))).toEqual(
      [],
    );
    const notJudged = (r.notJudged ?? []).filter((n) => n.ruleId === 'log-retention-missing');
    expect(notJudged.map((n) => n.reason)).toEqual(['skipped']);
    expect(notJudged.flatMap((n) => n.functions)).toHaveLength(5);
  });
});
