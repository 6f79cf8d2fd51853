// The findings state as columns (src/state/table.ts): what a Map of entries did, the same, read
// from and written to the same bytes, and advanced and pruned to the same state.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAll } from '../../src/report/write.js';
import { fingerprint } from '../../src/rules/fingerprint.js';
import { SEVERITIES, type Finding, type Severity } from '../../src/rules/types.js';
import { parseState, readState, stateChunks } from '../../src/state/file.js';
import {
  advanceState,
  ageDays,
  emptyState,
  judgedThisRun,
  MAX_RUNS,
  pruneResolved,
  type Advance,
  type FindingHistory,
  type FindingsState,
  type Judged,
  type RunRecord,
  type StateEntry,
} from '../../src/state/state.js';
import { StateTable } from '../../src/state/table.js';
import { seeded } from '../../src/simulator/random.js';
import { tempDir } from '../helpers/temp.js';

/** A deterministic generator (the simulator's mulberry32), so a failure can be replayed from its seed. */
const random = seeded;

const DAY = 86_400_000;
const date = (d: number): string => new Date(Date.UTC(2026, 0, 1) + d * DAY + 3 * 3_600_000).toISOString();
const RULES = ['r-runtime', 'r-secret', 'tags-required', 'x'];
const ACCOUNTS = ['111111111111', '222222222222'];
const REGIONS = ['us-east-1', 'eu-west-1'];

function arnOf(i: number): string {
  const qualifier = i % 11 === 0 ? ':3' : '';
  return `arn:aws:lambda:${REGIONS[i % 2]!}:${ACCOUNTS[(i >> 1) % 2]!}:function:fn-${i}${qualifier}`;
}

function finding(ruleId: string, arn: string, severity: Severity, suppressed = false): Finding {
  const [, , , region = '', account = '', , name = ''] = arn.split(':');
  return {
    ruleId,
    severity,
    title: ruleId,
    message: name,
    arn,
    account,
    region,
    functionName: name,
    qualifier: '$LATEST',
    suppressed,
  };
}

/** A state as a Map: `count` findings over `functions` functions, some resolved, a few odd ones (not ASCII, escapes). */
function randomState(rnd: () => number, count: number): FindingsState {
  const findings = new Map<string, StateEntry>();
  for (let i = 0; i < count; i++) {
    const ruleId = RULES[Math.floor(rnd() * RULES.length)]!;
    let arn = arnOf(Math.floor(rnd() * count));
    if (rnd() < 0.02) arn = `${arn}-fünf`;
    if (rnd() < 0.01) arn = `${arn}-"quoted"`;
    const first = Math.floor(rnd() * 50);
    const last = first + Math.floor(rnd() * 10);
    const resolved = rnd() < 0.3 ? last + 1 + Math.floor(rnd() * 100) : undefined;
    findings.set(fingerprint({ ruleId, arn }), {
      ruleId: rnd() < 0.01 ? `${ruleId}\\odd` : ruleId,
      arn,
      severity: SEVERITIES[Math.floor(rnd() * SEVERITIES.length)]!,
      firstSeen: date(first),
      lastSeen: date(last),
      ...(resolved === undefined ? {} : { resolvedAt: date(resolved) }),
    });
  }
  const run: RunRecord = {
    at: date(60),
    open: { critical: 1, high: 2, medium: 3, low: 4, info: 5 },
    new: 1,
    resolved: 2,
    reopened: 3,
  };
  return { ...emptyState(), runs: [run], findings };
}

/** A run over a state: most of its entries seen again (some under another severity), some gone, some new, some twice. */
function randomRun(rnd: () => number, state: FindingsState): { findings: Finding[]; judged: Judged } {
  const findings: Finding[] = [];
  for (const e of state.findings.values()) {
    const p = rnd();
    if (p < 0.2) continue; // gone
    const severity = rnd() < 0.1 ? SEVERITIES[Math.floor(rnd() * SEVERITIES.length)]! : e.severity;
    findings.push(finding(e.ruleId, e.arn, severity, rnd() < 0.05));
    if (rnd() < 0.02) findings.push(finding(e.ruleId, e.arn, severity)); // twice
  }
  for (let i = 0; i < 20; i++)
    findings.push(finding(RULES[i % RULES.length]!, `${arnOf(100_000 + Math.floor(rnd() * 50))}`, 'low'));
  findings.sort(() => rnd() - 0.5);
  const arns = [...new Set([...state.findings.values()].map((e) => e.arn))];
  const some = (p: number): Set<string> => new Set(arns.filter(() => rnd() < p));
  const readInFull = some(0.7);
  return {
    findings,
    judged: {
      rules: new Set(RULES.filter(() => rnd() < 0.8)),
      readInFull,
      notJudged: new Set([...readInFull].filter(() => rnd() < 0.1).map((arn) => `${RULES[0]!}\0${arn}`)),
      present: new Set([...readInFull, ...some(0.1)]),
      listed: new Set(rnd() < 0.5 ? ['111111111111/us-east-1', '222222222222/eu-west-1'] : ['111111111111/us-east-1']),
    },
  };
}

/**
 * The reference: advanceState as the Map version wrote it, step by step from its doc comment, with
 * nothing shared and nothing clever.
 */
function referenceAdvance(previous: FindingsState, findings: readonly Finding[], judged: Judged, now: Date): Advance {
  const at = now.toISOString();
  const next = new Map(previous.findings);
  const histories = new Map<string, FindingHistory>();
  const open: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let added = 0;
  let reopened = 0;
  for (const f of findings) {
    const id = fingerprint(f);
    if (histories.has(id)) continue;
    const before = previous.findings.get(id);
    const status = before === undefined ? 'new' : before.resolvedAt === undefined ? 'open' : 'reopened';
    const firstSeen = before === undefined ? at : before.firstSeen;
    next.set(id, { ruleId: f.ruleId, arn: f.arn, severity: f.severity, firstSeen, lastSeen: at });
    histories.set(id, { firstSeen, lastSeen: at, status, ageDays: ageDays(firstSeen, now) });
    if (status === 'new') added++;
    if (status === 'reopened') reopened++;
    if (!f.suppressed) open[f.severity]++;
  }
  const resolved: (StateEntry & { fingerprint: string })[] = [];
  for (const [id, entry] of previous.findings)
    if (!histories.has(id) && entry.resolvedAt === undefined && judgedThisRun(entry, judged)) {
      next.set(id, { ...entry, resolvedAt: at });
      resolved.push({ fingerprint: id, ...entry, resolvedAt: at });
    }
  resolved.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
  const run = { at, open, new: added, resolved: resolved.length, reopened };
  return {
    state: { ...previous, runs: [...previous.runs, run].slice(-MAX_RUNS), findings: next },
    findings: histories,
    resolved,
    run,
  };
}

function referencePrune(state: FindingsState, now: Date, keepDays: number): FindingsState {
  const cutoff = now.getTime() - keepDays * DAY;
  const findings = new Map(
    [...state.findings].filter(([, e]) => e.resolvedAt === undefined || Date.parse(e.resolvedAt) >= cutoff),
  );
  return { ...state, findings };
}

const sorted = (m: ReadonlyMap<string, StateEntry>): [string, StateEntry][] =>
  [...m].sort(([a], [b]) => (a < b ? -1 : 1));
const text = (state: FindingsState): string => [...stateChunks(state)].join('');

async function throughFile(state: FindingsState): Promise<{ back: FindingsState; written: string }> {
  const file = join(tempDir('la-table-'), 'state.json');
  await writeAll([{ path: file, content: stateChunks(state) }]);
  return { back: await readState(file), written: readFileSync(file, 'utf8') };
}

describe('StateTable read from a file', () => {
  it('is a map of the same entries as the JSON.parse reader makes, in fingerprint order, made when asked for', async () => {
    const state = randomState(random(1), 3000);
    const { back, written } = await throughFile(state);
    expect(back.findings).toBeInstanceOf(StateTable);
    const reference = parseState('s.json', written).findings;
    expect(back.findings.size).toBe(reference.size);
    const ids = [...reference.keys()].sort();
    expect([...back.findings.keys()]).toEqual(ids);
    expect([...back.findings]).toEqual(sorted(reference));
    expect([...back.findings.values()]).toEqual(sorted(reference).map(([, e]) => e));
    const each: [string, StateEntry][] = [];
    back.findings.forEach((e, id, map) => {
      expect(map).toBe(back.findings);
      each.push([id, e]);
    });
    expect(each).toEqual(sorted(reference));
    for (const id of ids.slice(0, 500)) {
      expect(back.findings.has(id)).toBe(true);
      expect(back.findings.get(id)).toEqual(reference.get(id));
    }
    // Made on demand: a row's entry is a new object each time it is asked for.
    const plain = ids.find(
      (id) =>
        /^[\x20-\x7e]*$/.test(JSON.stringify(reference.get(id))) && !JSON.stringify(reference.get(id)).includes('\\'),
    )!;
    expect(back.findings.get(plain)).not.toBe(back.findings.get(plain));
    expect(back.findings.get(plain)).toEqual(back.findings.get(plain));
    // The odd ones (not ASCII, escapes) came through whole.
    expect([...back.findings.values()].some((e) => e.arn.includes('ü'))).toBe(true);
    expect([...back.findings.values()].some((e) => e.ruleId.includes('\\'))).toBe(true);
  });

  it('finds nothing it does not hold: other ids, the same first 8 digits, other lengths, upper case', async () => {
    const a = 'abcdef01' + '0'.repeat(24);
    const b = 'abcdef01' + '0'.repeat(23) + '2';
    const c = 'abcdef01' + 'f'.repeat(24);
    const entry: StateEntry = {
      ruleId: 'r',
      arn: 'arn:aws:lambda:us-east-1:111111111111:function:f',
      severity: 'low',
      firstSeen: date(1),
      lastSeen: date(2),
    };
    const { back } = await throughFile({
      ...emptyState(),
      findings: new Map([
        [a, entry],
        [c, { ...entry, arn: `${entry.arn}2` }],
      ]),
    });
    expect(back.findings).toBeInstanceOf(StateTable);
    expect(back.findings.get(a)).toEqual(entry);
    expect(back.findings.get(c)?.arn).toBe(`${entry.arn}2`);
    for (const id of [
      b,
      a.toUpperCase(),
      a.slice(0, 31),
      `${a}0`,
      '',
      '0x' + a.slice(2),
      'abcdef00' + '0'.repeat(24),
      'f'.repeat(32),
    ]) {
      expect(back.findings.has(id)).toBe(false);
      expect(back.findings.get(id)).toBeUndefined();
    }
  });

  it('writes back the bytes it read, and what the Map writer wrote for the same entries', async () => {
    const state = randomState(random(2), 5000);
    const { back, written } = await throughFile(state);
    expect(text(back)).toBe(written);
    expect(text(state)).toBe(written);
    // Through bytes (a file), and again.
    const again = await throughFile(back);
    expect(again.written).toBe(written);
  });

  it('a file of ours with a control character in an ARN part: read as the pattern read it, written escaped as before', async () => {
    const file = join(tempDir('la-table-'), 'state.json');
    const id = 'a'.repeat(32);
    writeFileSync(
      file,
      `{\n"schemaVersion": 1,\n"kind": "lambda-audit-state",\n"runs": [\n],\n"findings": {\n"${id}": {"ruleId":"r","arn":"arn:aws:lambda:us-east-1\u0001:1:function:f","severity":"low","firstSeen":"${date(1)}","lastSeen":"${date(1)}"}\n}\n}\n`,
    );
    const back = await readState(file);
    expect(back.findings.get(id)?.arn).toBe('arn:aws:lambda:us-east-1\u0001:1:function:f');
    expect(text(back)).toContain('"arn":"arn:aws:lambda:us-east-1\\u0001:1:function:f"');
  });

  it('a file out of order or with a key twice reads as JSON.parse reads it: a Map, the last of a key winning', async () => {
    const state = randomState(random(3), 50);
    const written = text(state);
    const lines = written.split('\n');
    const start = lines.indexOf('"findings": {') + 1;
    const end = lines.indexOf('}', start);
    const entries = lines.slice(start, end).map((l) => l.replace(/,$/, ''));
    const swapped = [entries[1]!, entries[0]!, ...entries.slice(2)];
    const twice = [...entries, entries[3]!.replace(/"severity":"\w+"/, '"severity":"info"')];
    for (const body of [swapped, twice]) {
      const content = [...lines.slice(0, start), body.join(',\n'), ...lines.slice(end)].join('\n');
      const file = join(tempDir('la-table-'), 'state.json');
      writeFileSync(file, content);
      const back = await readState(file);
      expect(back.findings).not.toBeInstanceOf(StateTable);
      expect([...back.findings]).toEqual([...parseState('s.json', content).findings]);
      expect(text(back)).toBe(text(parseState('s.json', content)));
    }
  });
});

describe('advanceState and pruneResolved on a StateTable', () => {
  for (const seed of [11, 12, 13, 14, 15])
    it(`give what the Map version gives, three runs in a row (seed ${seed})`, async () => {
      const rnd = random(seed);
      let asMap = randomState(rnd, 800);
      let asTable = (await throughFile(asMap)).back;
      expect(asTable.findings).toBeInstanceOf(StateTable);
      for (let day = 70; day < 100; day += 12) {
        const now = new Date(date(day));
        const { findings, judged } = randomRun(rnd, asMap);
        const expected = referenceAdvance(asMap, findings, judged, now);
        const actual = advanceState(asTable, findings, judged, now);
        expect(actual.state.findings).toBeInstanceOf(StateTable);
        expect(actual.run).toEqual(expected.run);
        expect(actual.resolved).toEqual(expected.resolved);
        expect([...actual.findings].sort()).toEqual([...expected.findings].sort());
        expect(actual.state.runs).toEqual(expected.state.runs);
        expect(actual.state.findings.size).toBe(expected.state.findings.size);
        expect([...actual.state.findings]).toEqual(sorted(expected.state.findings));
        for (const id of [...expected.state.findings.keys()].slice(0, 200))
          expect(actual.state.findings.get(id)).toEqual(expected.state.findings.get(id));
        // The Map path of advanceState (today's code) agrees too.
        expect([...advanceState(asMap, findings, judged, now).state.findings].sort()).toEqual(
          sorted(expected.state.findings),
        );
        const keep = Math.floor(rnd() * 60);
        const prunedMap = referencePrune(expected.state, now, keep);
        const prunedTable = pruneResolved(actual.state, now, keep);
        expect([...prunedTable.findings]).toEqual(sorted(prunedMap.findings));
        expect(prunedTable.findings.size).toBe(prunedMap.findings.size);
        expect(text(prunedTable)).toBe(text(prunedMap));
        // The next run starts from the pruned state: an overlay on an overlay the first time, read from the file the next.
        asMap = prunedMap;
        asTable = day === 70 ? prunedTable : (await throughFile(prunedTable)).back;
      }
    });

  it('a finding whose fingerprint an entry holds under another rule id or ARN (an edited file) takes the finding’s, as before', async () => {
    const f = finding('r1', 'arn:aws:lambda:us-east-1:111111111111:function:a', 'high');
    const id = fingerprint(f);
    const edited: StateEntry = {
      ruleId: 'r1',
      arn: `${f.arn}-old`,
      severity: 'low',
      firstSeen: date(1),
      lastSeen: date(1),
    };
    const previous: FindingsState = { ...emptyState(), findings: new Map([[id, edited]]) };
    const { back } = await throughFile(previous);
    expect(back.findings).toBeInstanceOf(StateTable);
    const judged: Judged = {
      rules: new Set(),
      readInFull: new Set(),
      notJudged: new Set(),
      present: new Set(),
      listed: new Set(),
    };
    const now = new Date(date(5));
    const actual = advanceState(back, [f], judged, now);
    const expected = referenceAdvance(previous, [f], judged, now);
    expect(actual.state.findings.get(id)).toEqual(expected.state.findings.get(id));
    expect(actual.state.findings.get(id)?.arn).toBe(f.arn);
    expect(text(actual.state)).toBe(text(expected.state));
  });

  it('pruning nothing gives the same state back', async () => {
    const { back } = await throughFile(randomState(random(4), 100));
    expect(pruneResolved(back, new Date(date(0)), 90)).toBe(back);
  });
});

describe('writing bytes beside text', () => {
  it('writeAll writes chunks of bytes and of text in order', async () => {
    const file = join(tempDir('la-table-'), 'mixed.txt');
    await writeAll([
      { path: file, content: ['a', Buffer.from('ü b'), 'c', new Uint8Array([100]), Buffer.alloc(0), 'e'] },
    ]);
    expect(readFileSync(file, 'utf8')).toBe('aü bcde');
  });
});
