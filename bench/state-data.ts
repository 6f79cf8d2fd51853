/** The benchmark's findings state and a nightly run over it, shared by bench/state.ts and bench/state-child.ts. */
import { fingerprint } from '../src/rules/fingerprint.js';
import { SEVERITIES, type Finding } from '../src/rules/types.js';
import type { Judged, StateEntry } from '../src/state/state.js';

const RULES = ['runtime-deprecated', 'env-secret-suspected', 'tags-required', 'dlq-missing', 'vpc-single-az'];
const ACCOUNTS = 50;

export const day = (d: number): string => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString();

function arnOf(i: number): string {
  return `arn:aws:lambda:us-east-1:${String(100000000000 + (i % ACCOUNTS)).padStart(12, '0')}:function:service-${i.toString(36)}-handler`;
}

/** The state's entries: a year of nightly runs over `count` findings, one in seven resolved. */
export function* stateEntries(count: number): Generator<[string, StateEntry]> {
  for (let i = 0; i < count; i++) {
    const arn = arnOf(i);
    const ruleId = RULES[i % RULES.length]!;
    yield [
      fingerprint({ ruleId, arn }),
      {
        ruleId,
        arn,
        severity: SEVERITIES[i % SEVERITIES.length]!,
        firstSeen: day(i % 300),
        lastSeen: day(300),
        ...(i % 7 === 0 ? { resolvedAt: day(301) } : {}),
      },
    ];
  }
}

/**
 * The next night's run over that state: `count` findings, the state's own but one in fifty gone and
 * as many new ones past the state's; every function read in full and every region listed, so the
 * gone ones are resolved (and the resolved ones seen again are reopened).
 */
export function nightlyRun(count: number): { findings: Finding[]; judged: Judged } {
  const findings: Finding[] = [];
  for (let i = 0; findings.length < count; i++) {
    if (i % 50 === 1 && i < count) continue;
    const arn = arnOf(i);
    const name = arn.split(':')[6]!;
    findings.push({
      ruleId: RULES[i % RULES.length]!,
      severity: SEVERITIES[i % SEVERITIES.length]!,
      title: 't',
      message: name,
      arn,
      account: arn.split(':')[4]!,
      region: 'us-east-1',
      functionName: name,
      qualifier: '$LATEST',
      suppressed: false,
    });
  }
  const arns = new Set(findings.map((f) => f.arn));
  return {
    findings,
    judged: {
      rules: new Set(RULES),
      readInFull: arns,
      notJudged: new Set(),
      present: arns,
      listed: new Set(Array.from({ length: ACCOUNTS }, (_, a) => `${100000000000 + a}/us-east-1`)),
    },
  };
}
