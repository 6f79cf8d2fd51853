// Every malformed fixture is rejected by `lambda-audit validate` with its error code at its line.
// Each fixture's first line says what is expected: `# expect: <code> line <n>`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';
import { tempDir } from '../helpers/temp.js';

const dir = join(repoRoot, 'test/fixtures/policies/invalid');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('malformed policy, suppressions and config files', () => {
  it('has at least 30 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtures)('%s', async (fixture) => {
    const file = join(dir, fixture);
    const [, code, line] = /^# expect: (\S+) line (\d+)/.exec(readFileSync(file, 'utf8')) ?? [];
    const { io, stderr } = captureIo();
    expect(await runValidate([file], io)).toBe(2);
    const lines = stderr()
      .split('\n')
      .filter((l) => l.startsWith(file));
    expect(
      lines.some((l) => l.startsWith(`${file}:${line}:`) && l.endsWith(`[${code}]`)),
      `expected ${code} at line ${line}, got:\n${stderr()}`,
    ).toBe(true);
    expect(stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('validate', () => {
  it('accepts the built-in pack and the documented examples', async () => {
    const valid = readdirSync(join(repoRoot, 'test/fixtures/policies/valid')).map((f) =>
      join(repoRoot, 'test/fixtures/policies/valid', f),
    );
    const { io, stderr } = captureIo();
    expect(await runValidate(valid, io), stderr()).toBe(0);
    const builtin = captureIo();
    expect(await runValidate([], builtin.io), builtin.stderr()).toBe(0);
  });

  it('says what was meant for a misspelling', async () => {
    const { io, stderr } = captureIo();
    await runValidate(
      [join(dir, 'unknown-path.yaml'), join(dir, 'unknown-operator.yaml'), join(dir, 'suppression-unknown-rule.yaml')],
      io,
    );
    expect(stderr()).toContain('did you mean "Runtime"?');
    expect(stderr()).toContain('did you mean "equals"?');
    expect(stderr()).toContain('did you mean "runtime-deprecated"?');
    expect(stderr()).toMatch(/rules\[0\]\.condition\.path: no snapshot record has the path "configuration\.Runtme"/);
  });
});

describe('validate baselines', () => {
  it('rejects a corrupt baseline and one of an unknown version, naming the problem', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = tempDir('la-vb-');
    writeFileSync(join(dir, 'corrupt.json'), '{"schemaVersion": 1,');
    writeFileSync(join(dir, 'future.json'), '{"schemaVersion": 2}');
    writeFileSync(
      join(dir, 'wrong.json'),
      '{"schemaVersion": 1, "kind": "lambda-audit-baseline", "account": "1", "region": "r", "envHashKeyId": "k", "functions": {"f": {"configuration": {"Environment": {"Variables": {"A": "plain-text"}}}}}}',
    );
    const { io, stderr } = captureIo();
    expect(await runValidate([join(dir, 'corrupt.json'), join(dir, 'future.json'), join(dir, 'wrong.json')], io)).toBe(
      2,
    );
    expect(stderr()).toMatch(/corrupt\.json is not a valid baseline: not valid JSON/);
    expect(stderr()).toMatch(/future\.json has schemaVersion 2; this lambda-audit reads version 1/);
    expect(stderr()).toMatch(
      /wrong\.json is not a valid baseline: \/functions\/f\/configuration\/Environment\/Variables\/A must match pattern/,
    );
  });
});
