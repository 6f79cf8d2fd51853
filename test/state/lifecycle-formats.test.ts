// What each report says over runs with --state: ASFF's lifecycle (checked against botocore's
// BatchImportFindings model and the rules for updates), SARIF's baselineState, OCSF's sightings,
// the "since the last run" line of text and Markdown.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { repoRoot } from '../helpers/cli.js';
import { validAsff, validOcsf } from '../helpers/finding-formats.js';
import { captureIo } from '../helpers/io.js';
import { tempDir } from '../helpers/temp.js';

type Asff = Record<string, unknown> & {
  Id: string;
  RecordState: string;
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Compliance?: { Status: string };
};

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/report/snapshot.json'), 'utf8')) as Snapshot;
const removed = fixture.functions.find((f) => f.name.startsWith('billing-ingest'))!;
const hasBotocore = spawnSync('python3', ['-c', 'import botocore']).status === 0;

async function scan(dir: string, snapshot: Snapshot, day: string): Promise<Record<string, string>> {
  const input = join(dir, `in-${day}.json`);
  writeFileSync(input, JSON.stringify({ ...snapshot, generatedAt: `${day}T03:00:00.000Z` }));
  const { io } = captureIo({ now: () => new Date(`${day}T03:00:00.000Z`) });
  const out = (f: string): string => join(dir, `${day}.${f}`);
  const formats = ['asff', 'sarif', 'ocsf', 'text', 'markdown'];
  await run(
    [
      'node',
      'lambda-audit',
      'scan',
      '--input',
      input,
      '--no-drift',
      '--fail-on',
      'none',
      '--suppressions',
      'test/fixtures/report/suppressions.yaml',
      '--state',
      join(dir, 'state.json'),
      ...formats.flatMap((f) => ['--output', `${f}=${out(f)}`]),
    ],
    { ...io, cwd: repoRoot },
  );
  return Object.fromEntries(formats.map((f) => [f, readFileSync(out(f), 'utf8')]));
}

function botocore(dir: string, findings: unknown[]): { batches: number; errors: string[] } {
  const file = join(dir, `asff-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(findings));
  return JSON.parse(
    execFileSync('python3', [join(repoRoot, 'test/fixtures/report/asff_validate.py'), file], { encoding: 'utf8' }),
  ) as { batches: number; errors: string[] };
}

describe('reports over runs with --state', async () => {
  const dir = tempDir('la-lifecycle-');
  const one = await scan(dir, fixture, '2026-11-01');
  const two = await scan(dir, { ...fixture, functions: fixture.functions.filter((f) => f !== removed) }, '2026-11-02');
  const three = await scan(
    dir,
    { ...fixture, functions: fixture.functions.filter((f) => f !== removed) },
    '2026-11-03',
  );
  const asff1 = JSON.parse(one.asff!) as Asff[];
  const asff2 = JSON.parse(two.asff!) as Asff[];
  const asff3 = JSON.parse(three.asff!) as Asff[];

  it.skipIf(!hasBotocore)("ASFF of runs one and two pass botocore's BatchImportFindings model", () => {
    expect(botocore(dir, asff1).errors).toEqual([]);
    expect(botocore(dir, asff2).errors).toEqual([]);
  });

  it('ASFF run one: first imports, with Workflow, Severity and Types', () => {
    expect(validAsff(asff1), JSON.stringify(validAsff.errors?.slice(0, 3))).toBe(true);
    for (const f of asff1) {
      expect(f).toHaveProperty('Workflow');
      expect(f).toHaveProperty('Severity');
      expect(f).toHaveProperty('Types');
      expect(f.CreatedAt).toBe('2026-11-01T03:00:00.000Z');
      expect(f.FirstObservedAt).toBe(f.CreatedAt);
    }
    expect(asff1.some((f) => f.Note !== undefined)).toBe(true); // the fixture's suppression
  });

  it('ASFF run two: updates carry no Workflow, Note, top-level Severity or Types; CreatedAt is the first sighting', () => {
    expect(validAsff(asff2), JSON.stringify(validAsff.errors?.slice(0, 3))).toBe(true);
    const active = asff2.filter((f) => f.RecordState === 'ACTIVE');
    expect(active.length).toBeGreaterThan(0);
    for (const f of asff2) {
      for (const key of ['Workflow', 'Note', 'Severity', 'Types']) expect(f, `${f.Id} ${key}`).not.toHaveProperty(key);
      expect(f).toHaveProperty('FindingProviderFields');
      expect(f.CreatedAt).toBe('2026-11-01T03:00:00.000Z');
      expect(f.FirstObservedAt).toBe('2026-11-01T03:00:00.000Z');
      expect(f.UpdatedAt).toBe('2026-11-02T03:00:00.000Z');
    }
    for (const f of active) expect(f.LastObservedAt).toBe('2026-11-02T03:00:00.000Z');
    const archived = asff2.filter((f) => f.RecordState === 'ARCHIVED');
    const removedIds = asff1.filter((f) => JSON.stringify(f.Resources).includes(removed.arn)).map((f) => f.Id);
    expect(archived.map((f) => f.Id).sort()).toEqual(removedIds.sort());
    for (const f of archived) {
      expect(f.Compliance?.Status).toBe('PASSED');
      expect(f.LastObservedAt).toBe('2026-11-01T03:00:00.000Z');
    }
  });

  it('ASFF run three: a fixed finding is archived once, then no longer sent', () => {
    expect(asff3.filter((f) => f.RecordState === 'ARCHIVED')).toEqual([]);
    expect(asff3.length).toBe(asff2.filter((f) => f.RecordState === 'ACTIVE').length);
  });

  it('SARIF: new on run one, unchanged on run two, fixed ones left out', () => {
    type Sarif = { runs: { results: { baselineState: string; properties: { arn: string } }[] }[] };
    const results = (text: string) => (JSON.parse(text) as Sarif).runs.flatMap((r) => r.results);
    expect(new Set(results(one.sarif!).map((r) => r.baselineState))).toEqual(new Set(['new']));
    expect(new Set(results(two.sarif!).map((r) => r.baselineState))).toEqual(new Set(['unchanged']));
    expect(results(two.sarif!).some((r) => r.properties.arn === removed.arn)).toBe(false);
  });

  it('OCSF: first and last seen, status detail, a Close for the fixed ones', () => {
    type Ocsf = { activity_id: number; status_detail?: string; finding_info: Record<string, unknown> };
    const lines = two
      .ocsf!.trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Ocsf);
    for (const l of lines) expect(validOcsf(l), JSON.stringify(validOcsf.errors?.slice(0, 3))).toBe(true);
    const open = lines.filter((l) => l.status_detail === 'open');
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]!.activity_id).toBe(2);
    expect(open[0]!.finding_info).toMatchObject({
      first_seen_time: Date.parse('2026-11-01T03:00:00.000Z'),
      last_seen_time: Date.parse('2026-11-02T03:00:00.000Z'),
    });
    const closed = lines.filter((l) => l.status_detail === 'resolved');
    expect(closed.length).toBe(asff2.filter((f) => f.RecordState === 'ARCHIVED').length);
    expect(closed.every((l) => l.activity_id === 3)).toBe(true);
  });

  it('text and Markdown open with the change since the last run', () => {
    const gone = asff2.filter((f) => f.RecordState === 'ARCHIVED').length;
    expect(one.text!.split('\n')[0]).toBe(`since the last run: +${asff1.length} new, -0 resolved, 0 past SLA`);
    expect(two.text!.split('\n')[0]).toBe(`since the last run: +0 new, -${gone} resolved, 0 past SLA`);
    expect(two.markdown!.split('\n')[0]).toBe(`**Since the last run: +0 new, -${gone} resolved, 0 past SLA**`);
  });
});

describe('HTML with --state', async () => {
  const dir = tempDir('la-lifecycle-html-');
  const html = async (snapshot: Snapshot, day: string): Promise<string> => {
    const input = join(dir, `in-${day}.json`);
    writeFileSync(input, JSON.stringify({ ...snapshot, generatedAt: `${day}T03:00:00.000Z` }));
    const out = join(dir, `${day}.html`);
    const { io } = captureIo();
    await run(
      [
        'node',
        'lambda-audit',
        'scan',
        '--input',
        input,
        '--no-drift',
        '--fail-on',
        'none',
        '--state',
        join(dir, 's.json'),
        '--output',
        `html=${out}`,
      ],
      io,
    );
    return readFileSync(out, 'utf8');
  };
  await html(fixture, '2026-11-01');
  const page = await html({ ...fixture, functions: fixture.functions.filter((f) => f !== removed) }, '2026-11-03');

  it('has an age column, new and resolved cards, and an inline SVG of the recorded runs', () => {
    expect(page).toContain('data-key="age"');
    expect(page).toMatch(/data-total="new-since-last-run">new since the last run<b>0<\/b>/);
    expect(page).toMatch(/data-total="resolved-since-last-run">resolved since the last run<b>[1-9]\d*<\/b>/);
    const svg = /<svg id="trend"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(svg).toContain('over 2 run(s), 2026-11-01 to 2026-11-03');
    expect(svg.match(/<polyline /g)).toHaveLength(5);
    // Nothing fetched: no URL but the SVG namespace.
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|href=/);
    const data = JSON.parse(
      /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)![1]!,
    ) as {
      aged: boolean;
      findings: unknown[][];
    };
    expect(data.aged).toBe(true);
    expect(data.findings.every((f) => f[8] === 2)).toBe(true);
  });
});
