// role-shared: one execution role serving functions of different exposure (and, with maxFunctions,
// too many functions).
import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../../src/policy/load.js';
import { normalisePolicy } from '../../../src/snapshot/policy.js';
import type { FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet, notJudgedBy } from '../../helpers/fleet-eval.js';
import { roleArn } from '../../helpers/iam-fixtures.js';
import { AS_OF, record } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const PUBLIC = normalisePolicy({
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: '*' }],
});

function fn(name: string, role: string, extra: Partial<FunctionRecord> = {}): FunctionRecord {
  const base = record({ name, ...extra });
  return { ...base, configuration: { ...base.configuration, Role: roleArn(role) } };
}

describe('role-shared', () => {
  it('reports every function of a role that serves public and private functions, and no other', async () => {
    const shared = byFunction(
      await evaluateFleet([
        fn('api', 'mixed', { policy: PUBLIC }),
        fn('worker', 'mixed'),
        fn('a', 'private'),
        fn('b', 'private'),
        fn('c', 'public', { policy: PUBLIC }),
        fn('d', 'public', { policy: PUBLIC }),
      ]),
      'role-shared',
    );
    expect([...shared.keys()].sort()).toEqual(['api', 'worker']);
    expect(shared.get('worker')?.message).toContain('1 reachable by anyone, 1 not reachable from outside');
  });

  it('counts a function once, not once per published version', async () => {
    const v1: FunctionRecord = {
      ...fn('api', 'mixed', { policy: PUBLIC }),
      qualifier: '1',
      arn: 'arn:aws:lambda:us-east-1:111122223333:function:api:1',
    };
    const shared = byFunction(
      await evaluateFleet([fn('api', 'mixed', { policy: PUBLIC }), v1, fn('worker', 'mixed')]),
      'role-shared',
    );
    expect(shared.get('worker')?.message).toContain('(2 functions:');
  });

  it('is not judged when a function on the role has an exposure nobody read', async () => {
    const evaluation = await evaluateFleet([fn('api', 'r'), unread(fn('unread', 'r'), ['policy'])]);
    expect(byFunction(evaluation, 'role-shared').size).toBe(0);
    expect(notJudgedBy(evaluation, 'role-shared').get('api')).toBe('policy skipped');
  });

  it('with maxFunctions, reports a role serving more functions than that', async () => {
    const config = await loadRuleSet({
      asOf: AS_OF,
      configFile: 'test/fixtures/policies/role-shared-max.yaml',
    });
    const evaluation = await evaluateFleet(
      [fn('a', 'busy'), fn('b', 'busy'), fn('c', 'busy'), fn('d', 'calm')],
      undefined,
      config,
    );
    expect([...byFunction(evaluation, 'role-shared').keys()].sort()).toEqual(['a', 'b', 'c']);
  });
});
