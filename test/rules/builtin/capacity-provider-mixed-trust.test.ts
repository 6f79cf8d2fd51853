// capacity-provider-mixed-trust: one capacity provider hosting functions of different exposure or
// of different teams (a combining rule over the exposure rules' findings).
import { describe, expect, it } from 'vitest';
import { normalisePolicy } from '../../../src/snapshot/policy.js';
import type { FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet, notJudgedBy } from '../../helpers/fleet-eval.js';
import { onProvider, provider } from '../../helpers/managed.js';
import { record } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const PUBLIC = normalisePolicy({
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: '*' }],
});
const PARTNER = normalisePolicy({
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'lambda:InvokeFunction',
      Resource: '*',
    },
  ],
});

function fn(name: string, cp: string | undefined, extra: Partial<FunctionRecord> = {}): FunctionRecord {
  const base = record({ name, tags: {}, ...extra });
  if (cp === undefined) return base;
  return { ...base, configuration: { ...base.configuration, ...onProvider(cp) }, capacityProvider: provider(cp) };
}

describe('capacity-provider-mixed-trust', () => {
  it('reports every function of a provider hosting public and private functions, and no other', async () => {
    const mixed = byFunction(
      await evaluateFleet([
        fn('api', 'shared', { policy: PUBLIC }),
        fn('worker', 'shared'),
        fn('a', 'internal'),
        fn('b', 'internal'),
        fn('c', 'edge', { policy: PUBLIC }),
        fn('d', 'edge', { policy: PUBLIC }),
        // Public and private, but not on a capacity provider: role-shared's business, not this.
        fn('lambda-public', undefined, { policy: PUBLIC }),
        fn('lambda-private', undefined),
      ]),
      'capacity-provider-mixed-trust',
    );
    expect([...mixed.keys()].sort()).toEqual(['api', 'worker']);
    expect(mixed.get('worker')?.message).toContain('capacity provider shared');
    expect(mixed.get('worker')?.message).toContain('1 reachable by anyone, 1 not reachable from outside');
    expect(mixed.get('worker')?.severity).toBe('high');
  });

  it('reports a provider hosting a partner-invocable function next to a private one', async () => {
    const mixed = byFunction(
      await evaluateFleet([fn('partner', 'cp', { policy: PARTNER }), fn('private', 'cp')]),
      'capacity-provider-mixed-trust',
    );
    expect([...mixed.keys()].sort()).toEqual(['partner', 'private']);
    expect(mixed.get('private')?.message).toContain('reachable from another account');
  });

  it('reports functions of different teams on one provider; untagged functions are no team', async () => {
    const mixed = byFunction(
      await evaluateFleet([
        fn('pay', 'cp', { tags: { team: 'payments' } }),
        fn('search', 'cp', { tags: { team: 'search' } }),
        fn('misc', 'cp', { tags: {} }),
        fn('one', 'solo', { tags: { team: 'payments' } }),
        fn('untagged', 'solo', { tags: {} }),
      ]),
      'capacity-provider-mixed-trust',
    );
    expect([...mixed.keys()].sort()).toEqual(['misc', 'pay', 'search']);
    expect(mixed.get('pay')?.message).toContain('team payments, search');
  });

  it('is not judged when a function on the provider has an exposure or tags nobody read', async () => {
    const exposure = await evaluateFleet([fn('api', 'cp'), unread(fn('unread', 'cp'), ['policy'])]);
    expect(byFunction(exposure, 'capacity-provider-mixed-trust').size).toBe(0);
    expect(notJudgedBy(exposure, 'capacity-provider-mixed-trust').get('api')).toBe('policy skipped');

    const noTags: FunctionRecord = { ...fn('untagged', 'cp') };
    delete (noTags as { tags?: unknown }).tags;
    const tags = await evaluateFleet([
      fn('api', 'cp', { tags: { team: 'a' } }),
      { ...noTags, unknown: [{ path: 'tags', reason: 'not-in-input' }] },
    ]);
    expect(byFunction(tags, 'capacity-provider-mixed-trust').size).toBe(0);
    expect(notJudgedBy(tags, 'capacity-provider-mixed-trust').get('api')).toBe('tags not-in-input');
  });

  it('a lone function on its provider is never mixed, whatever is unknown', async () => {
    const evaluation = await evaluateFleet([unread(fn('alone', 'cp'), ['policy'])]);
    expect(byFunction(evaluation, 'capacity-provider-mixed-trust').size).toBe(0);
    expect(notJudgedBy(evaluation, 'capacity-provider-mixed-trust').size).toBe(0);
  });
});
