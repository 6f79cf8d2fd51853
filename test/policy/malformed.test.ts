// Every malformed fixture is rejected by `lambda-audit validate` with its error code at its line.
// Each fixture's first line says what is expected: `# expect: <code> line <n>`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(stderr()).toMatch(
      /corrupt\.json:1:21: not a valid baseline: not valid JSON: expected a property name in double quotes/,
    );
    expect(stderr()).toMatch(/future\.json has schemaVersion 2; this lambda-audit reads version 1/);
    expect(stderr()).toMatch(
      /wrong\.json is not a valid baseline: \/functions\/f\/configuration\/Environment\/Variables\/A must match pattern/,
    );
  });
});

describe('one mistake, one message; big and broken files', () => {
  const only = async (file: string): Promise<string[]> => {
    const { io, stderr } = captureIo();
    expect(await runValidate([file], io)).toBe(2);
    expect(stderr()).not.toMatch(/\n\s+at /);
    return stderr()
      .split('\n')
      .filter((l) => l.startsWith(file));
  };

  it.each([
    ['unknown-check-with-placeholders.yaml', /did you mean "runtime-lifecycle"/],
    ['config-boolean.yaml', /expected one of: off, on, or an object; got false \(did you mean "off"\?\)/],
    ['unclosed-quote.yaml', /:5:12: invalid YAML: this double-quoted string is never closed/],
    ['latin1.yaml', /:6:21: the file is not UTF-8/],
  ])('%s gets exactly one line', async (fixture, expected) => {
    const lines = await only(join(dir, fixture));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });

  it('refuses a policy file over 1 MB at once, without validating it', async () => {
    const file = join(tempDir('la-big-'), 'big.yaml');
    const rule = (i: number): string =>
      `  - { id: r-${i}, title: t, severity: high, condition: { path: x, equals: 1 } }\n`;
    writeFileSync(file, `version: 1\nrules:\n${Array.from({ length: 15_000 }, (_, i) => rule(i)).join('')}`);
    const started = Date.now();
    const lines = await only(file);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines).toEqual([expect.stringMatching(/may be at most 1 MB .*\[unreadable\]$/)]);
  });

  it('lists at most 50 problems and counts the rest, without overflowing the stack', async () => {
    const file = join(tempDir('la-many-'), 'many.yaml');
    const rule = (i: number): string =>
      `  - { id: r-${i}, title: t, severity: high, condition: { path: x, equals: 1 } }\n`;
    writeFileSync(file, `version: 1\nrules:\n${Array.from({ length: 5000 }, (_, i) => rule(i)).join('')}`);
    const { io, stderr } = captureIo();
    expect(await runValidate([file], io)).toBe(2);
    const lines = stderr().split('\n');
    expect(lines.filter((l) => l.startsWith(file))).toHaveLength(50);
    expect(stderr()).toMatch(/\.\.\. and \d+ more problem\(s\)/);
  });
});
