// exposure-path combines what the other rules found on one function: reachable (public, URL,
// another account) and worth reaching (role power, deprecated runtime, secrets, no concurrency
// cap), ranked by the matrix in docs/roles.md.
import { describe, expect, it } from 'vitest';
import { envValueFacts } from '../../../src/snapshot/redact.js';
import { normalisePolicy } from '../../../src/snapshot/policy.js';
import type { AccountIam, FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet, notJudgedBy } from '../../helpers/fleet-eval.js';
import {
  ACCOUNT,
  ADMIN,
  DATA,
  ESCALATE,
  OTHER,
  SCOPED,
  accountIam,
  iamRole,
  roleArn,
} from '../../helpers/iam-fixtures.js';
import { record } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const PUBLIC = normalisePolicy({
  Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: '*' }],
});
// Anyone may download the code and read the configuration, not invoke (Security Hub Lambda.1 fails it).
const READABLE = normalisePolicy({
  Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: '*', Action: 'lambda:GetFunction', Resource: '*' }],
});
const PARTNER = normalisePolicy({
  Statement: [
    {
      Sid: 'Partner',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
      Action: 'lambda:InvokeFunction',
    },
  ],
});

const iam: AccountIam = accountIam([
  iamRole('admin', [ADMIN]),
  iamRole('escalate', ESCALATE),
  iamRole('data', [DATA]),
  iamRole('scoped', [SCOPED]),
]);

function fn(name: string, role: string, extra: Partial<FunctionRecord> = {}, capped = true): FunctionRecord {
  const base = record({ name, ...(capped ? { reservedConcurrency: 10 } : {}), ...extra });
  return { ...base, configuration: { ...base.configuration, Role: roleArn(role), ...extra.configuration } };
}

const fleet = [
  fn('public-admin', 'admin', { policy: PUBLIC }),
  fn('public-escalate', 'escalate', { policy: PUBLIC }),
  fn('public-data', 'data', { policy: PUBLIC }),
  fn('public-scoped', 'scoped', { policy: PUBLIC }),
  fn('public-scoped-unlimited', 'scoped', { policy: PUBLIC }, false),
  fn('public-old', 'scoped', { policy: PUBLIC, configuration: { Runtime: 'python3.8' } }),
  fn('public-secret', 'scoped', {
    policy: PUBLIC,
    environmentFacts: { DB_PASSWORD: envValueFacts('Hunter2Hunter2!') },
  }),
  fn('partner-admin', 'admin', { policy: PARTNER }),
  fn('partner-old', 'scoped', { policy: PARTNER, configuration: { Runtime: 'python3.8' } }),
  fn('partner-unlimited', 'scoped', { policy: PARTNER }, false),
  fn('readable-admin', 'admin', { policy: READABLE }, false),
  fn('readable-secret', 'scoped', {
    policy: READABLE,
    environmentFacts: { DB_PASSWORD: envValueFacts('Hunter2Hunter2!') },
  }),
  fn('private-admin', 'admin'),
  fn('private-old', 'scoped', { configuration: { Runtime: 'python3.8' } }),
];

describe('exposure-path', () => {
  it('ranks reachable functions by what reaching them gives (docs/roles.md matrix)', async () => {
    const paths = byFunction(await evaluateFleet(fleet, [iam]), 'exposure-path');
    const severities = Object.fromEntries([...paths].map(([name, f]) => [name, f.severity]));
    expect(severities).toEqual({
      'public-admin': 'critical',
      'public-escalate': 'critical',
      'public-data': 'high',
      'public-scoped-unlimited': 'medium',
      'public-old': 'high',
      'public-secret': 'high',
      'partner-admin': 'high',
      'partner-old': 'medium',
      'readable-secret': 'high',
    });
    // Not reachable, or reachable with nothing to gain (a scoped role, a capped concurrency): no path.
    // Reading an admin function's code does not run its role.
    for (const name of ['public-scoped', 'partner-unlimited', 'private-admin', 'private-old', 'readable-admin'])
      expect(paths.has(name), name).toBe(false);
  });

  it('lists its traits and the findings behind them', async () => {
    const paths = byFunction(await evaluateFleet(fleet, [iam]), 'exposure-path');
    const admin = paths.get('public-admin');
    expect(admin?.traits).toEqual(['reachable-by-anyone', 'admin']);
    expect(admin?.related?.map((r) => r.ruleId)).toEqual(['function-public-access', 'role-admin-access']);
    expect(paths.get('public-scoped-unlimited')?.traits).toEqual(['reachable-by-anyone', 'no-concurrency-limit']);
    expect(paths.get('partner-old')?.traits).toEqual(['reachable-by-other-account', 'unpatched']);
    expect(paths.get('public-escalate')?.message).toContain('reachable by anyone');
    expect(paths.get('readable-secret')?.traits).toEqual(['readable-by-anyone', 'secrets']);
  });

  it('comes first among the findings of its severity order, like any finding', async () => {
    const { findings } = await evaluateFleet(fleet, [iam]);
    const ranks = findings.map((f) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('is not judged when reachability is unknown and there is something to reach', async () => {
    const evaluation = await evaluateFleet([unread(fn('unread-admin', 'admin'), ['policy'])], [iam]);
    expect(byFunction(evaluation, 'exposure-path').size).toBe(0);
    expect(notJudgedBy(evaluation, 'exposure-path').get('unread-admin')).toBe('policy skipped');
  });

  it('is not judged on a public function whose role could not be read, when nothing else makes a path', async () => {
    const denied: AccountIam = {
      account: ACCOUNT,
      roles: {},
      policies: {},
      unknown: { path: 'iam', reason: 'denied' },
    };
    const evaluation = await evaluateFleet([fn('public-unknown-role', 'admin', { policy: PUBLIC })], [denied]);
    expect(byFunction(evaluation, 'exposure-path').size).toBe(0);
    expect(notJudgedBy(evaluation, 'exposure-path').get('public-unknown-role')).toBe('iam denied');
  });

  it('takes its severity ceiling from the rule (a config that lowers it caps every path)', async () => {
    const { loadRuleSet } = await import('../../../src/policy/load.js');
    const { AS_OF } = await import('../../helpers/rule-tester.js');
    const rules = (await loadRuleSet({ asOf: AS_OF })).map((r) =>
      r.id === 'exposure-path' ? { ...r, severity: 'high' as const } : r,
    );
    const paths = byFunction(await evaluateFleet(fleet, [iam], rules), 'exposure-path');
    expect(paths.get('public-admin')?.severity).toBe('high');
    expect(paths.get('public-scoped-unlimited')?.severity).toBe('medium');
  });
});
