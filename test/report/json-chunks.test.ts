// The chunked JSON writer (issue 13, 100,000 functions): the same bytes as JSON.stringify, cut into
// pieces, written all or none.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_TEXT, jsonChunks, jsonDocumentChunks } from '../../src/report/json-chunks.js';
import { batched, toJson, writeAll } from '../../src/report/write.js';
import { repoRoot } from '../helpers/cli.js';
import { scanFixture } from '../helpers/fixture-scan.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/report/snapshot.json'), 'utf8')) as {
  functions: unknown[];
};

const cases: [string, unknown][] = [
  ['the report fixture snapshot', fixture],
  ['scalars', [1, 'two', true, null, -0.5, '']],
  ['empty containers', { a: [], b: {}, c: [[], {}], d: [{ e: [] }] }],
  [
    'nested deeper than the chunk depth',
    { a: [{ b: [{ c: [{ d: 'x\ny' }] }] }], e: { f: { g: { h: [1, [2, [3]]] } } } },
  ],
  ['members with no JSON form', { a: undefined, b: () => 1, c: Symbol('s'), d: 1, e: [undefined, () => 2, 3] }],
  ['only members with no JSON form', { a: undefined }],
  ['toJSON', { when: new Date('2026-11-30T00:00:00Z'), list: [new Date(0)] }],
  ['strings that look like structure', { 'k\n"': 'line\nbreak "quoted" \\ \u2028 \u00e9 😀', arr: ['\n  ]', '{'] }],
  ['a top-level scalar', 'just a string'],
  ['a top-level empty array', []],
];

describe('jsonChunks', () => {
  it.each(cases)('gives the text of JSON.stringify(value, null, 2): %s', (_name, value) => {
    expect([...jsonChunks(value)].join('')).toBe(JSON.stringify(value, null, 2));
    expect([...jsonDocumentChunks(value)].join('')).toBe(toJson(value));
    for (const depth of [0, 1, 2, 5])
      expect([...jsonChunks(value, depth)].join('')).toBe(JSON.stringify(value, null, 2));
  });

  it('cuts a snapshot between its functions, about CHUNK_TEXT characters a chunk', () => {
    const one = JSON.stringify(fixture.functions).length;
    const many = {
      ...fixture,
      functions: Array.from({ length: Math.ceil((6 * CHUNK_TEXT) / one) }, () => fixture.functions).flat(),
    };
    const chunks = [...jsonDocumentChunks(many)];
    expect(chunks.join('')).toBe(toJson(many));
    const largestFunction = Math.max(...many.functions.map((f) => JSON.stringify(f, null, 2).length));
    // Each function's text is re-indented by two levels (4 spaces a line) inside the snapshot.
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(2 * (CHUNK_TEXT + largestFunction));
  });

  it('holds an element bigger than CHUNK_TEXT in one chunk with at most about CHUNK_TEXT of others', () => {
    const big = { text: 'x'.repeat(CHUNK_TEXT * 2) };
    const value = { functions: [...Array.from({ length: 5000 }, (_, i) => ({ i })), big, { i: 'last' }] };
    const chunks = [...jsonChunks(value)];
    expect(chunks.join('')).toBe(JSON.stringify(value, null, 2));
    const holding = chunks.filter((c) => c.includes('xxxx'));
    expect(holding).toHaveLength(1);
    expect(holding[0]!.length).toBeLessThan(CHUNK_TEXT * 3 + 1000);
    expect(chunks.filter((c) => c.includes('"last"'))).toHaveLength(1);
  });

  it('batches chunks into pieces of about the batch size, losing none', () => {
    const chunks = Array.from({ length: 1000 }, (_, i) => `chunk ${i};`);
    const pieces = [...batched(chunks, 100)];
    expect(pieces.join('')).toBe(chunks.join(''));
    expect(pieces.length).toBeGreaterThan(50);
    expect(pieces.slice(0, -1).every((p) => p.length >= 100 && p.length < 115)).toBe(true);
  });
});

describe('writeAll with chunked content', () => {
  it('writes the chunks as one file, next to a string file', async () => {
    const dir = tempDir('la-chunks-');
    await writeAll([
      { path: join(dir, 'a.json'), content: jsonDocumentChunks(fixture) },
      { path: join(dir, 'sub/b.txt'), content: 'text\n' },
    ]);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(toJson(fixture));
    expect(readFileSync(join(dir, 'sub/b.txt'), 'utf8')).toBe('text\n');
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'sub']);
  });

  it('writes nothing when producing a file fails midway: old files stay, no temp file is left, the error is kept', async () => {
    const dir = tempDir('la-chunks-');
    writeFileSync(join(dir, 'report.json'), 'old report\n');
    function* failing(): Generator<string> {
      yield '{\n  "findings": [';
      throw new Error('formatter failed');
    }
    await expect(
      writeAll([
        { path: join(dir, 'first.txt'), content: 'written first\n' },
        { path: join(dir, 'report.json'), content: failing() },
      ]),
    ).rejects.toThrow(/^formatter failed$/);
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('old report\n');
  });

  it('reports a path it cannot write as a write error, and leaves no temp file', async () => {
    const dir = tempDir('la-chunks-');
    writeFileSync(join(dir, 'file'), '');
    await expect(
      writeAll([
        { path: join(dir, 'a.json'), content: jsonDocumentChunks({ a: 1 }) },
        { path: join(dir, 'file/b.json'), content: jsonDocumentChunks({ b: 2 }) },
      ]),
    ).rejects.toMatchObject({ code: 'E_WRITE' });
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('scan outputs written in chunks', () => {
  it('a file gets the bytes standard output gets, for json and snapshot', async () => {
    const dir = tempDir('la-chunks-');
    for (const format of ['json', 'snapshot']) {
      const { stdout } = await scanFixture(format, ['--fail-on', 'none']);
      const path = join(dir, `${format}.json`);
      await scanFixture(`${format}=${path}`, ['--fail-on', 'none']);
      expect(readFileSync(path, 'utf8')).toBe(stdout);
    }
  });

  it('the JSON report holds no snapshot unless --report-snapshot asks; both are valid', async () => {
    const plain = JSON.parse((await scanFixture('json', ['--fail-on', 'none'])).stdout) as Record<string, unknown>;
    const full = JSON.parse((await scanFixture('json', ['--fail-on', 'none', '--report-snapshot'])).stdout) as Record<
      string,
      unknown
    >;
    expect(plain).not.toHaveProperty('snapshot');
    expect((full.snapshot as { functions: unknown[] }).functions).toHaveLength(fixture.functions.length);
    expect(schemaErrors('snapshot', full.snapshot)).toBeUndefined();
    expect(schemaErrors('report', plain)).toBeUndefined();
    expect(schemaErrors('report', full)).toBeUndefined();
    delete full.snapshot;
    expect(full).toEqual(plain);
  });
});
