// Bad input as a new user gives it (issue 11): each case exits 2 with one message naming the file
// (file:line:column for JSON) or the path, shows no stack trace and no file content, and writes
// nothing. In-process, so a hang fails on the test timeout rather than stalling a child.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';
import { tempDir } from '../helpers/temp.js';

const snapshot = join(repoRoot, 'test/fixtures/report/snapshot.json');

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = captureIo({
    cwd,
    env: { LAMBDA_AUDIT_ENV_HASH_KEY: 'bad-input-test-key-0123456789' },
  });
  const code = await run(['node', 'lambda-audit', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

function oneCleanLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

const scanInput = (input: string, ...extra: string[]): string[] => [
  'scan',
  '--input',
  input,
  '--no-drift',
  '--fail-on',
  'none',
  ...extra,
];

describe('output paths are checked before anything is read or crawled, and written all or none', () => {
  it.each([
    [
      '/proc/lambda-audit/report.sarif',
      /cannot write \/proc\/lambda-audit\/report\.sarif: reports cannot go under \/proc/,
    ],
    ['/sys/report.sarif', /cannot go under \/proc, \/sys or \/dev/],
    ['/dev/report.sarif', /cannot go under \/proc, \/sys or \/dev/],
  ])('refuses sarif=%s at once (mkdir under /proc would spin forever)', async (path, message) => {
    const cwd = tempDir('la-out-');
    const r = await cli(scanInput(snapshot, '--output', 'json=ok.json', '--output', `sarif=${path}`), cwd);
    expect(r.code).toBe(2);
    expect(oneCleanLine(r.stderr)).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses a path under a file, and a directory, writing none of the other outputs', async () => {
    const cwd = tempDir('la-out-');
    writeFileSync(join(cwd, 'afile'), 'x');
    mkdirSync(join(cwd, 'adir'));
    const underFile = await cli(
      scanInput(snapshot, '--output', 'json=ok.json', '--output', 'sarif=afile/r.sarif'),
      cwd,
    );
    expect(underFile.code).toBe(2);
    expect(oneCleanLine(underFile.stderr)).toMatch(/cannot write afile\/r\.sarif: .*afile is a file, not a directory/);
    const dir = await cli(scanInput(snapshot, '--output', 'json=ok.json', '--output', 'sarif=adir'), cwd);
    expect(dir.code).toBe(2);
    expect(oneCleanLine(dir.stderr)).toMatch(/adir is a directory; give a file path/);
    expect(readdirSync(cwd).sort()).toEqual(['adir', 'afile']);
    expect(readdirSync(join(cwd, 'adir'))).toEqual([]);
  });

  it('checks the --accept-findings path too', async () => {
    const cwd = tempDir('la-out-');
    writeFileSync(join(cwd, 'afile'), 'x');
    const r = await cli(
      scanInput(snapshot, '--accept-findings', 'afile/accepted.json', '--output', 'json=ok.json'),
      cwd,
    );
    expect(r.code).toBe(2);
    expect(oneCleanLine(r.stderr)).toMatch(/cannot write afile\/accepted\.json/);
    expect(readdirSync(cwd)).toEqual(['afile']);
  });

  it('writes every output, creating their directories, when all paths are good', async () => {
    const cwd = tempDir('la-out-');
    const r = await cli(scanInput(snapshot, '--output', 'json=a/b/r.json', '--output', 'sarif=c/r.sarif'), cwd);
    expect(r.code, r.stderr).toBe(3); // the fixture snapshot has a denied function: incomplete
    expect(existsSync(join(cwd, 'a/b/r.json')) && existsSync(join(cwd, 'c/r.sarif'))).toBe(true);
    expect(readdirSync(join(cwd, 'a/b'))).toEqual(['r.json']); // no temp files left
  });
});

describe('JSON files: one line with file:line:column, never their content', () => {
  it('an input with an unquoted environment value does not quote the secret', async () => {
    const cwd = tempDir('la-json-');
    writeFileSync(
      join(cwd, 'fn.json'),
      '{\n  "Configuration": {\n    "FunctionName": "f",\n    "Environment": { "Variables": { "DB_PASSWORD": hunter2-Zx9q } }\n  }\n}\n',
    );
    const r = await cli(scanInput('fn.json'), cwd);
    expect(r.code).toBe(2);
    const line = oneCleanLine(r.stderr);
    expect(line).toMatch(/fn\.json:4:52: not valid JSON: expected a value/);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
  });

  it('an accepted-findings file with a syntax error', async () => {
    const cwd = tempDir('la-json-');
    writeFileSync(
      join(cwd, 'accepted.json'),
      '{\n  "schemaVersion": 1,\n  "kind": "lambda-audit-accepted-findings"\n  "findings": []\n}\n',
    );
    const r = await cli(scanInput(snapshot, '--accepted-findings', 'accepted.json'), cwd);
    expect(r.code).toBe(2);
    expect(oneCleanLine(r.stderr)).toMatch(
      /accepted\.json:4:3: not valid JSON: expected ',' or '}' after the property value/,
    );
  });

  it('a baseline with a syntax error', async () => {
    const cwd = tempDir('la-json-');
    mkdirSync(join(cwd, 'baselines/111111111111'), { recursive: true });
    writeFileSync(join(cwd, 'baselines/111111111111/us-east-1.json'), '{"schemaVersion": 1,, }');
    const r = await cli(['scan', '--input', snapshot, '--baseline', 'baselines', '--fail-on', 'none'], cwd);
    expect(r.code).toBe(2);
    expect(oneCleanLine(r.stderr)).toMatch(
      /us-east-1\.json:1:21: not a valid baseline: not valid JSON: expected a property name/,
    );
  });
});

describe('get-function JSON without FunctionArn', () => {
  const configOnly = '{ "FunctionName": "planned", "Runtime": "python3.13", "Handler": "app.handler" }\n';

  it('scan warns that the account is made up', async () => {
    const cwd = tempDir('la-arn-');
    writeFileSync(join(cwd, 'planned.json'), configOnly);
    const r = await cli(scanInput('planned.json', '--regions', 'eu-west-1', '--output', 'json'), cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/planned\.json: function planned has no FunctionArn; assuming account 000000000000/);
  });

  it('baseline refuses it and writes nothing', async () => {
    const cwd = tempDir('la-arn-');
    writeFileSync(join(cwd, 'planned.json'), configOnly);
    const r = await cli(['baseline', '--input', 'planned.json', '--regions', 'eu-west-1'], cwd);
    expect(r.code).toBe(2);
    expect(oneCleanLine(r.stderr)).toMatch(/planned\.json: function planned has no FunctionArn/);
    expect(readdirSync(cwd)).toEqual(['planned.json']);
  });
});
