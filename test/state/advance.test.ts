// advanceState, table by table: what each run makes of each finding, and what "resolved" needs.
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/rules/fingerprint.js';
import type { Finding, Severity } from '../../src/rules/types.js';
import {
  advanceState,
  ageDays,
  emptyState,
  judgedThisRun,
  MAX_RUNS,
  pastSla,
  type FindingsState,
  type Judged,
  type StateEntry,
} from '../../src/state/state.js';

const ARN = (name: string, region = 'us-east-1', account = '111111111111'): string =>
  `arn:aws:lambda:${region}:${account}:function:${name}`;

function finding(ruleId: string, arn: string, severity: Severity = 'high', suppressed = false): Finding {
  const name = arn.split(':')[6] ?? '';
  return {
    ruleId,
    severity,
    title: ruleId,
    message: `${name}: ${ruleId}`,
    arn,
    account: arn.split(':')[4] ?? '',
    region: arn.split(':')[3] ?? '',
    functionName: name,
    qualifier: '$LATEST',
    suppressed,
  };
}

const D1 = new Date('2026-01-01T03:00:00.000Z');
const D2 = new Date('2026-01-02T03:00:00.000Z');
const D9 = new Date('2026-01-09T03:00:00.000Z');

function judgedAll(arns: string[], extra: Partial<Judged> = {}): Judged {
  return {
    rules: new Set(['r1', 'r2']),
    readInFull: new Set(arns),
    notJudged: new Set(),
    present: new Set(arns),
    listed: new Set(['111111111111/us-east-1']),
    ...extra,
  };
}

function stateWith(entries: Record<string, Omit<StateEntry, 'severity'> & { severity?: Severity }>): FindingsState {
  return {
    ...emptyState(),
    findings: new Map(
      Object.values(entries).map((e) => [fingerprint(e), { severity: 'high' as Severity, ...e } satisfies StateEntry]),
    ),
  };
}

describe('advanceState: classifying this run’s findings', () => {
  const a = ARN('a');
  const cases: {
    name: string;
    previous?: Omit<StateEntry, 'severity' | 'ruleId' | 'arn'>;
    status: string;
    firstSeen: string;
  }[] = [
    { name: 'never seen: new, first seen now', status: 'new', firstSeen: D2.toISOString() },
    {
      name: 'seen and open: open, first sighting kept',
      previous: { firstSeen: D1.toISOString(), lastSeen: D1.toISOString() },
      status: 'open',
      firstSeen: D1.toISOString(),
    },
    {
      name: 'resolved, seen again: reopened, first sighting kept',
      previous: { firstSeen: D1.toISOString(), lastSeen: D1.toISOString(), resolvedAt: D1.toISOString() },
      status: 'reopened',
      firstSeen: D1.toISOString(),
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const previous = c.previous ? stateWith({ x: { ruleId: 'r1', arn: a, ...c.previous } }) : emptyState();
      const out = advanceState(previous, [finding('r1', a)], judgedAll([a]), D2);
      const id = fingerprint({ ruleId: 'r1', arn: a });
      expect(out.findings.get(id)).toMatchObject({
        status: c.status,
        firstSeen: c.firstSeen,
        lastSeen: D2.toISOString(),
      });
      expect(out.state.findings.get(id)).toEqual({
        ruleId: 'r1',
        arn: a,
        severity: 'high',
        firstSeen: c.firstSeen,
        lastSeen: D2.toISOString(),
      });
      expect(out.run).toMatchObject({
        new: c.status === 'new' ? 1 : 0,
        reopened: c.status === 'reopened' ? 1 : 0,
        resolved: 0,
      });
    });
});

describe('advanceState: an entry not seen is resolved only where this run judged it', () => {
  const a = ARN('a');
  const gone = ARN('gone');
  const other = ARN('x', 'eu-west-1');
  const open = { firstSeen: D1.toISOString(), lastSeen: D1.toISOString() };
  const cases: { name: string; arn: string; judged: Judged; resolved: boolean }[] = [
    { name: 'function read in full, rule ran and judged it', arn: a, judged: judgedAll([a]), resolved: true },
    {
      name: 'rule not loaded this run (off, --compliance)',
      arn: a,
      judged: judgedAll([a], { rules: new Set(['r2']) }),
      resolved: false,
    },
    {
      name: 'rule could not judge the function (a part unread)',
      arn: a,
      judged: judgedAll([a], { notJudged: new Set([`r1\0${a}`]) }),
      resolved: false,
    },
    {
      name: 'function there but not read (denied, failed)',
      arn: a,
      judged: judgedAll([], { present: new Set([a]) }),
      resolved: false,
    },
    { name: 'function gone from a region listed in full', arn: gone, judged: judgedAll([a]), resolved: true },
    {
      name: 'function not seen, its region’s listing failed',
      arn: gone,
      judged: judgedAll([a], { listed: new Set() }),
      resolved: false,
    },
    { name: 'function in a region (or account) not in this run', arn: other, judged: judgedAll([a]), resolved: false },
    {
      name: 'a version gone while its function could not be read',
      arn: `${a}:3`,
      judged: judgedAll([], { present: new Set([a]) }),
      resolved: false,
    },
    { name: 'a version gone, its function read in full', arn: `${a}:3`, judged: judgedAll([a]), resolved: true },
  ];
  for (const c of cases)
    it(`${c.name}: ${c.resolved ? 'resolved' : 'left as it was'}`, () => {
      const previous = stateWith({ x: { ruleId: 'r1', arn: c.arn, ...open } });
      const id = fingerprint({ ruleId: 'r1', arn: c.arn });
      expect(judgedThisRun({ ruleId: 'r1', arn: c.arn }, c.judged)).toBe(c.resolved);
      const out = advanceState(previous, [], c.judged, D2);
      expect(out.state.findings.get(id)).toEqual({
        ruleId: 'r1',
        arn: c.arn,
        severity: 'high',
        ...open,
        ...(c.resolved ? { resolvedAt: D2.toISOString() } : {}),
      });
      expect(out.resolved.map((r) => r.fingerprint)).toEqual(c.resolved ? [id] : []);
      expect(out.run.resolved).toBe(c.resolved ? 1 : 0);
    });

  it('an entry resolved earlier stays resolved at its first resolution, not counted again', () => {
    const previous = stateWith({ x: { ruleId: 'r1', arn: a, ...open, resolvedAt: D1.toISOString() } });
    const out = advanceState(previous, [], judgedAll([a]), D2);
    expect(out.state.findings.get(fingerprint({ ruleId: 'r1', arn: a }))?.resolvedAt).toBe(D1.toISOString());
    expect(out.resolved).toEqual([]);
  });
});

describe('advanceState: runs', () => {
  it('counts open findings by severity, suppressed ones tracked but not counted', () => {
    const [a, b, c] = [ARN('a'), ARN('b'), ARN('c')];
    const out = advanceState(
      emptyState(),
      [finding('r1', a, 'critical'), finding('r1', b, 'low'), finding('r2', c, 'low', true)],
      judgedAll([a, b, c]),
      D1,
    );
    expect(out.run).toEqual({
      at: D1.toISOString(),
      open: { critical: 1, high: 0, medium: 0, low: 1, info: 0 },
      new: 3,
      resolved: 0,
      reopened: 0,
    });
    expect(out.state.findings.size).toBe(3);
    expect(out.state.runs).toEqual([out.run]);
  });

  it(`keeps the last ${MAX_RUNS} runs`, () => {
    const runs = Array.from({ length: MAX_RUNS }, (_, i) => ({
      at: new Date(D1.getTime() + i).toISOString(),
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      new: 0,
      resolved: 0,
      reopened: 0,
    }));
    const out = advanceState({ ...emptyState(), runs }, [], judgedAll([]), D9);
    expect(out.state.runs).toHaveLength(MAX_RUNS);
    expect(out.state.runs.at(-1)?.at).toBe(D9.toISOString());
    expect(out.state.runs[0]?.at).toBe(runs[1]?.at);
  });

  it('does not change the previous state', () => {
    const a = ARN('a');
    const previous = stateWith({
      x: { ruleId: 'r1', arn: a, firstSeen: D1.toISOString(), lastSeen: D1.toISOString() },
    });
    const before = JSON.stringify([...previous.findings]);
    advanceState(previous, [], judgedAll([a]), D2);
    expect(JSON.stringify([...previous.findings])).toBe(before);
  });
});

describe('age and SLA', () => {
  const cases: [string, Severity, boolean, number, boolean][] = [
    // firstSeen day, severity, suppressed, age, past SLA (critical 7, high 30, no low)
    ['2026-01-02T03:00:00.000Z', 'critical', false, 7, false],
    ['2026-01-01T03:00:00.000Z', 'critical', false, 8, true],
    ['2026-01-01T03:00:00.000Z', 'critical', true, 8, false],
    ['2026-01-01T03:00:00.000Z', 'high', false, 8, false],
    ['2025-11-01T03:00:00.000Z', 'low', false, 69, false],
  ];
  for (const [first, severity, suppressed, age, past] of cases)
    it(`${severity} first seen ${first}${suppressed ? ' (suppressed)' : ''}: ${age} days, ${past ? 'past' : 'within'} SLA`, () => {
      expect(ageDays(first, D9)).toBe(age);
      expect(pastSla({ severity, suppressed }, age, { critical: 7, high: 30 })).toBe(past);
    });
});
