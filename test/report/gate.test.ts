// The gate's exit codes, and offline input: a pipeline gating a planned configuration with no AWS.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';

const input = (name: string) => join(repoRoot, 'test/fixtures/input', name);
const snapshotFixture = join(repoRoot, 'test/fixtures/report/snapshot.json');
const env = { LAMBDA_AUDIT_ENV_HASH_KEY: 'gate-test-hash-key-0123456789' };

async function scan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = captureIo({ env });
  const code = await run(['node', 'lambda-audit', 'scan', '--no-drift', '--as-of', '2026-11-22', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('gate', () => {
  it('exit 1 exactly when a high or critical finding is present (the seeds example runs nodejs12.x)', async () => {
    const failing = await scan([
      '--input',
      input('get-function-example.json'),
      '--fail-on',
      'high',
      '--output',
      'json',
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/gate failed: 1 finding\(s\) at high or above/);
    const report = JSON.parse(failing.stdout) as { findings: { ruleId: string; severity: string }[] };
    expect(schemaErrors('report', report)).toBeUndefined();
    expect(
      report.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.ruleId),
    ).toEqual(['runtime-deprecated']);
    const passing = await scan(['--input', input('planned-ok.json'), '--fail-on', 'high', '--output', 'json']);
    expect(passing.code).toBe(0);
  });

  it('never leaks the input env values or presigned URL', async () => {
    const result = await scan(['--input', input('get-function-example.json'), '--fail-on', 'none', '--output', 'json']);
    expect(result.stdout).not.toMatch(/my-bucket-1xpuxmplzrlbh|versionId=|awslambda-us-west-2-tasks/);
  });

  it('--fail-on none passes, --fail-on low fails on a low finding', async () => {
    expect((await scan(['--input', input('planned-ok.json'), '--fail-on', 'none', '--output', 'json'])).code).toBe(0);
    expect((await scan(['--input', input('planned-ok.json'), '--fail-on', 'low', '--output', 'json'])).code).toBe(1);
  });

  it('exit 3 when the crawl was incomplete and the gate otherwise passed; 1 wins over 3', async () => {
    expect((await scan(['--input', snapshotFixture, '--fail-on', 'none', '--output', 'json'])).code).toBe(3);
    expect((await scan(['--input', snapshotFixture, '--fail-on', 'info', '--output', 'json'])).code).toBe(1);
  });

  it('suppressed findings do not fail the gate', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = tempDir('la-sup-');
    const file = join(dir, 'sup.yaml');
    writeFileSync(
      file,
      'suppressions:\n  - rule: runtime-deprecated\n    resource: { name: my-function }\n    reason: upgrade scheduled\n    expires: 2027-01-31\n    owner: me@example.com\n',
    );
    expect(
      (await scan(['--input', input('get-function-example.json'), '--suppressions', file, '--output', 'json'])).code,
    ).toBe(0);
  });

  it('a bad input file is a usage error with its name and position', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = tempDir('la-bad-');
    writeFileSync(join(dir, 'bad.json'), '{\n  "Configuration": {\n    "FunctionName": "x",\n  }\n}\n');
    const result = await scan(['--input', join(dir, 'bad.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.json:4:\d+: not valid JSON/);
  });
});

describe('offline input', () => {
  it('takes several files; the same function in a later file wins', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const dir = tempDir('la-multi-');
    const example = JSON.parse(readFileSync(input('get-function-example.json'), 'utf8')) as {
      Configuration: Record<string, unknown>;
    };
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify({ ...example.Configuration, Runtime: 'nodejs22.x' }));
    const result = await scan([
      '--input',
      input('get-function-example.json'),
      join(dir, 'fixed.json'),
      input('planned-ok.json'),
      '--output',
      'json',
      '--report-snapshot',
    ]);
    const report = JSON.parse(result.stdout) as {
      snapshot: { functions: { name: string; configuration: { Runtime: string } }[] };
    };
    expect(report.snapshot.functions.map((f) => `${f.name} ${f.configuration.Runtime}`)).toEqual([
      'orders-api python3.13',
      'my-function nodejs22.x',
    ]);
    expect(result.code).toBe(0);
  });
});
