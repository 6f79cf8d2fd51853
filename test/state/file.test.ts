// The findings-state file: round trip, file:line errors, the shipped schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditError } from '../../src/errors.js';
import { writeAll } from '../../src/report/write.js';
import stateSchema from '../../src/state/schema.js';
import { parseState, readState, stateChunks } from '../../src/state/file.js';
import { emptyState, type FindingsState } from '../../src/state/state.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const FP = (n: number): string => n.toString(16).padStart(32, '0');
const state: FindingsState = {
  ...emptyState(),
  runs: [
    {
      at: '2026-01-01T03:00:00.000Z',
      open: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
      new: 2,
      resolved: 0,
      reopened: 0,
    },
  ],
  findings: new Map([
    [
      FP(2),
      {
        ruleId: 'r1',
        arn: 'arn:aws:lambda:us-east-1:111111111111:function:b',
        severity: 'critical',
        firstSeen: '2026-01-01T03:00:00.000Z',
        lastSeen: '2026-01-01T03:00:00.000Z',
      },
    ],
    [
      FP(1),
      {
        ruleId: 'r1',
        arn: 'arn:aws:lambda:us-east-1:111111111111:function:a',
        severity: 'high',
        firstSeen: '2026-01-01T03:00:00.000Z',
        lastSeen: '2026-01-01T03:00:00.000Z',
        resolvedAt: '2026-01-02T03:00:00.000Z',
      },
    ],
  ]),
};
const text = [...stateChunks(state)].join('');

describe('state file', () => {
  it('round-trips, one finding a line, sorted by fingerprint', () => {
    const back = parseState('s.json', text);
    expect(back.runs).toEqual(state.runs);
    expect([...back.findings]).toEqual([...state.findings].sort(([a], [b]) => (a < b ? -1 : 1)));
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith(`"${FP(1)}"`))).toHaveLength(1);
    expect(lines.findIndex((l) => l.startsWith(`"${FP(1)}"`))).toBeLessThan(
      lines.findIndex((l) => l.startsWith(`"${FP(2)}"`)),
    );
    expect([...stateChunks(back)].join('')).toBe(text);
  });

  it('reads its own layout back from a file: non-ASCII, lines longer than a read, many entries', async () => {
    // Lines are cut from 1 MiB reads: a line across two reads, one longer than a read, and a name
    // outside ASCII (the fast path is ASCII only; the rest is parsed as JSON) all come back intact.
    const findings = new Map(state.findings);
    for (let i = 10; i < 20_000; i++)
      findings.set(FP(i), {
        ...state.findings.get(FP(2))!,
        arn: `arn:aws:lambda:us-east-1:111111111111:function:f${i}`,
      });
    findings.set(FP(3), { ...state.findings.get(FP(2))!, arn: 'arn:aws:lambda:eu-west-1:111111111111:function:fünf' });
    findings.set(FP(4), { ...state.findings.get(FP(1))!, ruleId: `r-${'x'.repeat(1_500_000)}` });
    const big: FindingsState = { ...state, findings };
    const file = join(tempDir('la-state-'), 'state.json');
    await writeAll([{ path: file, content: stateChunks(big) }]);
    const back = await readState(file);
    expect(back.findings.size).toBe(findings.size);
    expect(back.findings.get(FP(3))?.arn).toBe('arn:aws:lambda:eu-west-1:111111111111:function:fünf');
    expect(back.findings.get(FP(4))?.ruleId).toHaveLength(1_500_002);
    expect([...stateChunks(back)].join('')).toBe(readFileSync(file, 'utf8'));
  });

  it('escapes what JSON must escape, and only that', () => {
    const odd = 'arn:aws:lambda:us-east-1:111111111111:function:a"b\\c\u0001d\ud83d\ude00e\ud800';
    const one: FindingsState = {
      ...state,
      findings: new Map([[FP(5), { ...state.findings.get(FP(2))!, ruleId: 'r"1', arn: odd }]]),
    };
    const written = [...stateChunks(one)].join('');
    expect(written).toContain(`"arn":${JSON.stringify(odd)}`);
    expect(written).toContain('"ruleId":"r\\"1"');
    expect(parseState('s.json', written).findings.get(FP(5))).toEqual(one.findings.get(FP(5)));
  });

  it('a missing file is the first run: an empty state', async () => {
    expect(await readState(join(tempDir('la-state-'), 'none.json'))).toEqual(emptyState());
  });

  it('is written with writeAll and read back', async () => {
    const file = join(tempDir('la-state-'), 'state.json');
    await writeAll([{ path: file, content: stateChunks(state) }]);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect((await readState(file)).findings.size).toBe(2);
  });

  const bad: [string, string, RegExp][] = [
    ['broken JSON', text.replace('"ruleId":"r1"', '"ruleId" "r1"'), /^s\.json:\d+:\d+: not valid JSON: expected/],
    [
      'another version',
      text.replace('"schemaVersion": 1', '"schemaVersion": 2'),
      /^s\.json:1:1: not a findings state of schemaVersion 1 \(got 2\)/,
    ],
    [
      'a bad severity, on its line',
      text.replace('"severity":"high"', '"severity":"severe"'),
      /^s\.json:8:1: not a valid findings state: \/findings\/0+1\/severity/,
    ],
    [
      'an unknown key',
      text.replace('"ruleId":"r1"', '"rule":"r1","ruleId":"r1"'),
      /^s\.json:8:1: .*unknown key "rule"/,
    ],
    ['a bad run', text.replace('"new":2', '"new":-2'), /^s\.json:5:1: not a valid findings state: \/runs\/0\/new/],
    [
      'a bad date',
      text.replace('"lastSeen":"2026-01-01T03:00:00.000Z"}', '"lastSeen":"yesterday"}'),
      /^s\.json:9:1: .*\/findings\/0+2\/lastSeen must match format "date-time"/,
    ],
  ];
  for (const [name, content, message] of bad)
    it(`refuses ${name}, saying where (exit 2)`, () => {
      let error: unknown;
      try {
        parseState('s.json', content);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AuditError);
      expect((error as AuditError).exitCode).toBe(2);
      expect((error as AuditError).message).toMatch(message);
    });

  const badFiles: [string, string, RegExp][] = [
    [
      'a bad severity',
      text.replace('"severity":"high"', '"severity":"severe"'),
      /^s\.json:8:1: not a valid findings state: \/findings\/0+1\/severity must be equal to one of/,
    ],
    [
      'an unknown key',
      text.replace('"ruleId":"r1"', '"rule":"r1","ruleId":"r1"'),
      /^s\.json:8:1: not a valid findings state: \/findings\/0+1 unknown key "rule"/,
    ],
    [
      'a bad run',
      text.replace('"new":2', '"new":-2'),
      /^s\.json:5:1: not a valid findings state: \/runs\/0\/new must be >= 0/,
    ],
  ];
  for (const [name, content, message] of badFiles)
    it(`reading a file line by line, refuses ${name} on its line`, async () => {
      const file = join(tempDir('la-state-'), 's.json');
      writeFileSync(file, content);
      await expect(readState(file, 's.json')).rejects.toThrow(message);
    });

  it('reads a file laid out otherwise (edited, reformatted) as a whole', async () => {
    const file = join(tempDir('la-state-'), 's.json');
    const value = JSON.parse(text) as object;
    writeFileSync(file, JSON.stringify(value, null, 4));
    const back = await readState(file);
    expect([...stateChunks(back)].join('')).toBe(text);
  });

  it('the shipped schemas/state.schema.json is the one the code validates with', () => {
    const shipped = JSON.parse(readFileSync(join(repoRoot, 'schemas/state.schema.json'), 'utf8')) as object;
    expect(shipped).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'lambda-audit findings state, schemaVersion 1',
      ...JSON.parse(JSON.stringify(stateSchema)),
    });
  });

  it('a file the tool cannot read is an input error, not an empty state', async () => {
    const dir = tempDir('la-state-');
    writeFileSync(join(dir, 'x'), '');
    await expect(readState(dir)).rejects.toThrow(/cannot read the findings state \(EISDIR\)/);
  });
});
