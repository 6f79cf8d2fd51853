// role-trust-too-broad: the execution role can be assumed by more than Lambda.
import { describe, expect, it } from 'vitest';
import { normalisePolicy } from '../../../src/snapshot/policy.js';
import type { FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet, notJudgedBy } from '../../helpers/fleet-eval.js';
import { ACCOUNT, OTHER, SCOPED, accountIam, iamRole, roleArn } from '../../helpers/iam-fixtures.js';
import { record } from '../../helpers/rule-tester.js';

const trust = (...Statement: object[]) => normalisePolicy({ Statement });
const assume = (Principal: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Principal,
  Action: 'sts:AssumeRole',
  ...extra,
});

const iam = accountIam([
  iamRole('lambda-only', [SCOPED]),
  iamRole('edge', [SCOPED], {
    trustPolicy: trust(assume({ Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] })),
  }),
  iamRole('anyone', [SCOPED], { trustPolicy: trust(assume({ Service: 'lambda.amazonaws.com' }), assume('*')) }),
  iamRole('partner', [SCOPED], { trustPolicy: trust(assume({ AWS: `arn:aws:iam::${OTHER}:root` })) }),
  iamRole('own-account', [SCOPED], { trustPolicy: trust(assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` })) }),
  iamRole('ec2', [SCOPED], { trustPolicy: trust(assume({ Service: 'ec2.amazonaws.com' })) }),
  iamRole('denied-partner', [SCOPED], {
    trustPolicy: trust(assume({ AWS: `arn:aws:iam::${OTHER}:root` }), {
      Effect: 'Deny',
      Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
      Action: 'sts:AssumeRole',
    }),
  }),
]);

function fn(name: string): FunctionRecord {
  const base = record({ name });
  return { ...base, configuration: { ...base.configuration, Role: roleArn(name) } };
}

describe('role-trust-too-broad', () => {
  it('fires on any trusted principal but the allowed services', async () => {
    const names = Object.values(iam.roles).map((r) => r.name);
    const found = byFunction(await evaluateFleet(names.map(fn), [iam]), 'role-trust-too-broad');
    expect([...found.keys()].sort()).toEqual(['anyone', 'ec2', 'own-account', 'partner']);
    expect(found.get('anyone')?.message).toContain('anyone');
    expect(found.get('partner')?.message).toContain(OTHER);
  });

  it('judges the trust policy of a role whose permissions are not all known', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:policy/deleted`;
    const partial = accountIam([
      iamRole('partner', [SCOPED], {
        trustPolicy: trust(assume({ AWS: `arn:aws:iam::${OTHER}:root` })),
        managedPolicies: [missing],
      }),
      iamRole('lambda-only', [SCOPED], { managedPolicies: [missing] }),
      iamRole('trust-unknown', [SCOPED], {
        unknown: [{ path: 'trustPolicy', reason: 'failed', detail: 'MalformedPolicyDocument' }],
      }),
    ]);
    const evaluation = await evaluateFleet(['partner', 'lambda-only', 'trust-unknown'].map(fn), [partial]);
    expect([...byFunction(evaluation, 'role-trust-too-broad').keys()]).toEqual(['partner']);
    // The permission facts stay unjudged; the trust policy that cannot be read leaves trust unjudged.
    expect(notJudgedBy(evaluation, 'role-admin-access').get('partner')).toBe('managedPolicies not-in-input');
    expect(notJudgedBy(evaluation, 'role-trust-too-broad').get('trust-unknown')).toBe('trustPolicy failed');
  });

  it('is not judged when the input carries no IAM', async () => {
    const evaluation = await evaluateFleet([fn('lambda-only')]);
    expect(notJudgedBy(evaluation, 'role-trust-too-broad').get('lambda-only')).toBe('iam not-in-input');
  });
});
