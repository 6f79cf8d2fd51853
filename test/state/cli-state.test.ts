// --state through the CLI, over three runs of a changing fleet (offline snapshots: --input): first
// sightings kept, resolved only where judged, reopened counted, the file written with the reports.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { parseState } from '../../src/state/file.js';
import { captureIo } from '../helpers/io.js';
import { repoRoot } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/report/snapshot.json'), 'utf8')) as Snapshot;
const A = '111111111111';
const B = '222222222222';

type JsonFinding = {
  ruleId: string;
  arn: string;
  status: string;
  firstSeen: string;
  ageDays: number;
  pastSla: boolean;
};
type Report = {
  summary: { sinceLastRun: { new: number; resolved: number; reopened: number; pastSla: number } };
  findings: JsonFinding[];
  resolved: { arn: string; ruleId: string; resolvedAt: string }[];
};

async function scan(
  dir: string,
  snapshot: Snapshot,
  day: string,
  extra: string[] = [],
): Promise<{ code: number; report: Report; stderr: string }> {
  const input = join(dir, `snapshot-${day}.json`);
  writeFileSync(input, JSON.stringify({ ...snapshot, generatedAt: `${day}T03:00:00.000Z` }));
  const out = join(dir, `report-${day}.json`);
  const { io, stderr } = captureIo({ now: () => new Date(`${day}T03:00:00Z`) });
  const code = await run(
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
      join(dir, 'state.json'),
      '--output',
      `json=${out}`,
      ...extra,
    ],
    io,
  );
  return {
    code,
    report: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Report) : ({} as Report),
    stderr: stderr(),
  };
}

describe('scan --state over three runs', () => {
  it('keeps first sightings, resolves only where judged, counts reopened', async () => {
    const dir = tempDir('la-state-cli-');
    // Run 1: the fixture.
    const one = await scan(dir, fixture, '2026-11-01');
    expect(one.code).toBe(3); // the fixture has a denied function: incomplete
    expect(one.report.findings.length).toBeGreaterThan(0);
    expect(one.report.findings.every((f) => f.status === 'new' && f.ageDays === 0)).toBe(true);
    expect(one.report.summary.sinceLastRun).toMatchObject({ new: one.report.findings.length, resolved: 0 });

    // Run 2: account A loses one function (removed: fixed); account B's listing fails and one of its
    // functions is missing (unknown: not fixed); another of A's functions cannot be read (not fixed).
    const removedA = fixture.functions.find(
      (f) => f.account === A && one.report.findings.some((x) => x.arn === f.arn),
    )!;
    const unreadA = fixture.functions.find(
      (f) => f.account === A && f.arn !== removedA.arn && one.report.findings.some((x) => x.arn === f.arn),
    )!;
    const missingB = fixture.functions.find(
      (f) => f.account === B && one.report.findings.some((x) => x.arn === f.arn),
    )!;
    const two: Snapshot = {
      ...fixture,
      regions: fixture.regions.map((r) =>
        r.account === B
          ? { ...r, complete: false, error: { code: 'ServiceException', message: 'listing failed', attempts: 3 } }
          : r,
      ),
      functions: fixture.functions
        .filter((f) => f.arn !== removedA.arn && f.arn !== missingB.arn)
        .map((f) => (f.arn === unreadA.arn ? { ...f, status: 'denied' as const } : f)),
    };
    const second = await scan(dir, two, '2026-11-02');
    expect(schemaErrors('report', second.report)).toBeUndefined();
    const resolvedArns = new Set(second.report.resolved.map((r) => r.arn));
    expect(resolvedArns).toEqual(new Set([removedA.arn]));
    expect(second.report.summary.sinceLastRun.resolved).toBe(
      one.report.findings.filter((f) => f.arn === removedA.arn).length,
    );
    const state2 = parseState('state.json', readFileSync(join(dir, 'state.json'), 'utf8'));
    const entriesOf = (arn: string) => [...state2.findings.values()].filter((e) => e.arn === arn);
    expect(
      entriesOf(missingB.arn).every((e) => e.resolvedAt === undefined && e.lastSeen.startsWith('2026-11-01')),
    ).toBe(true);
    expect(entriesOf(unreadA.arn).every((e) => e.resolvedAt === undefined)).toBe(true);
    expect(entriesOf(removedA.arn).every((e) => e.resolvedAt?.startsWith('2026-11-02'))).toBe(true);
    expect(second.report.findings.filter((f) => f.status !== 'open')).toEqual([]);
    expect(second.report.findings.every((f) => f.firstSeen.startsWith('2026-11-01') && f.ageDays === 1)).toBe(true);

    // Run 3, a week later: the fleet as in run one: the removed function's findings come back.
    const third = await scan(dir, fixture, '2026-11-09');
    const back = third.report.findings.filter((f) => f.arn === removedA.arn);
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((f) => f.status === 'reopened' && f.firstSeen.startsWith('2026-11-01') && f.ageDays === 8)).toBe(
      true,
    );
    expect(third.report.summary.sinceLastRun).toMatchObject({ new: 0, resolved: 0, reopened: back.length });
    const state3 = parseState('state.json', readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(state3.runs.map((r) => [r.at.slice(0, 10), r.new, r.resolved, r.reopened])).toEqual([
      ['2026-11-01', one.report.findings.length, 0, 0],
      ['2026-11-02', 0, back.length, 0],
      ['2026-11-09', 0, 0, back.length],
    ]);
  });

  it('marks findings past the SLA and gates on them with --fail-on-sla, apart from --fail-on', async () => {
    const dir = tempDir('la-state-sla-');
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'rules: {}\nsla:\n  critical: 3\n  high: 3\n  medium: 3\n  low: 3\n');
    await scan(dir, fixture, '2026-11-01', ['--config', config]);
    const within = await scan(dir, fixture, '2026-11-04', ['--config', config, '--fail-on-sla']);
    expect(within.report.summary.sinceLastRun.pastSla).toBe(0);
    expect(within.code).toBe(3);
    const past = await scan(dir, fixture, '2026-11-05', ['--config', config, '--fail-on-sla']);
    const active = past.report.findings.filter((f) => f.pastSla);
    expect(active.length).toBeGreaterThan(0);
    expect(past.report.summary.sinceLastRun.pastSla).toBe(active.length);
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/past their SLA \(--fail-on-sla\)/);
  });

  it('drops entries resolved longer ago than --state-keep-resolved-days (default 90) on write', async () => {
    const dir = tempDir('la-state-prune-');
    const one = await scan(dir, fixture, '2026-01-01');
    const removed = fixture.functions.find((f) => one.report.findings.some((x) => x.arn === f.arn))!;
    const without: Snapshot = { ...fixture, functions: fixture.functions.filter((f) => f.arn !== removed.arn) };
    const entries = () =>
      [...parseState('state.json', readFileSync(join(dir, 'state.json'), 'utf8')).findings.values()].filter(
        (e) => e.arn === removed.arn,
      );
    const count = one.report.findings.filter((f) => f.arn === removed.arn).length;
    // Resolved on 2026-01-02; kept 90 days by default (through 2026-04-02), gone after.
    const two = await scan(dir, without, '2026-01-02');
    expect(two.report.resolved.filter((r) => r.arn === removed.arn)).toHaveLength(count);
    expect(entries()).toHaveLength(count);
    await scan(dir, without, '2026-04-02');
    expect(entries()).toHaveLength(count);
    await scan(dir, without, '2026-04-03');
    expect(entries()).toEqual([]);
    // Back after its entries were dropped: new, not reopened (no first sighting to keep).
    const back = await scan(dir, fixture, '2026-04-04');
    expect(back.report.findings.filter((f) => f.arn === removed.arn).every((f) => f.status === 'new')).toBe(true);

    // A shorter keep: gone 3 days after it was resolved; open entries are never dropped.
    const short = tempDir('la-state-prune-short-');
    await scan(short, fixture, '2026-01-01', ['--state-keep-resolved-days', '3']);
    await scan(short, without, '2026-01-02', ['--state-keep-resolved-days', '3']);
    await scan(short, without, '2026-01-06', ['--state-keep-resolved-days', '3']);
    const left = parseState('state.json', readFileSync(join(short, 'state.json'), 'utf8'));
    expect([...left.findings.values()].filter((e) => e.arn === removed.arn)).toEqual([]);
    expect([...left.findings.values()].every((e) => e.resolvedAt === undefined)).toBe(true);
    expect(left.findings.size).toBe(one.report.findings.length - count);
  });

  it('refuses a bad state file before doing anything, and writes nothing', async () => {
    const dir = tempDir('la-state-bad-');
    writeFileSync(
      join(dir, 'state.json'),
      '{"schemaVersion": 1, "kind": "lambda-audit-state", "runs": [], "findings": 3}\n',
    );
    const bad = await scan(dir, fixture, '2026-11-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/state\.json:1:\d+: not a valid findings state: \/findings must be object/);
    expect(existsSync(join(dir, 'report-2026-11-01.json'))).toBe(false);
  });

  it('--fail-on-sla without --state or without an sla section is a usage error', async () => {
    const { io, stderr } = captureIo();
    expect(
      await run(['node', 'lambda-audit', 'scan', '--input', 'test/fixtures/report/snapshot.json', '--fail-on-sla'], io),
    ).toBe(2);
    expect(stderr()).toMatch(/--fail-on-sla needs --state FILE/);
  });

  it('--state-keep-resolved-days needs --state and a positive whole number of days', async () => {
    const scanWith = async (...args: string[]) => {
      const { io, stderr } = captureIo();
      const code = await run(
        ['node', 'lambda-audit', 'scan', '--input', 'test/fixtures/report/snapshot.json', ...args],
        io,
      );
      return { code, stderr: stderr() };
    };
    const alone = await scanWith('--state-keep-resolved-days', '30');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--state-keep-resolved-days goes with --state FILE/);
    for (const bad of ['0', '1.5', 'x']) {
      const r = await scanWith('--state', 'unused.json', '--state-keep-resolved-days', bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--state-keep-resolved-days expects a positive integer/);
    }
  });
});
