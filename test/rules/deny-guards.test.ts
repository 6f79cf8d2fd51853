// Deny guards (issue 21): an Allow for everyone plus a Deny with a negated condition on a key that
// names the caller leaves only the callers that match. Each row cites the AWS documentation that
// decides it:
// [ops]   IAM JSON policy elements: Condition operators, "Important" box (a negated operator on a
//         missing key is true) and "...IfExists condition operators" (a missing key makes it true).
//         https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// [multi] Conditions with multiple context keys or values: operators and keys AND, values OR, negated
//         values NOR. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
// [keys]  AWS global condition context keys: aws:Principal* are set for IAM principals, aws:Source*
//         for a service acting for a resource. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// [eval]  Policy evaluation logic: an explicit Deny overrides any Allow.
//         https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// [notp]  IAM JSON policy elements: NotPrincipal, "Using NotPrincipal with Deny".
//         https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
import { describe, expect, it } from 'vitest';
import { invokeGrants, readGrants, type Audience } from '../../src/rules/checks/resource-policy.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';

const OWN = '111122223333';
const PARTNER = '999988887777';
const ORG = 'o-a1b2c3d4e5';

type Row = readonly [
  name: string,
  principal: unknown,
  deny: Record<string, unknown>,
  expected: Audience | null,
  source: string,
];

const guard = (Condition: Record<string, unknown>) => ({ Principal: '*', Action: 'lambda:*', Condition });
const SERVICE = { Service: 's3.amazonaws.com' };

const rows: Row[] = [
  ['unconditional Deny for everyone', '*', { Principal: '*', Action: 'lambda:*' }, null, '[eval]'],
  [
    'StringNotEquals aws:PrincipalOrgID',
    '*',
    guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }),
    { kind: 'organization' },
    '[ops]',
  ],
  [
    'StringNotEqualsIfExists aws:PrincipalOrgID: a caller without the key is still denied',
    '*',
    guard({ StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } }),
    { kind: 'organization' },
    '[ops] ...IfExists',
  ],
  [
    'StringNotEquals aws:PrincipalAccount, two values (NOR)',
    '*',
    guard({ StringNotEquals: { 'aws:PrincipalAccount': [PARTNER, OWN] } }),
    { kind: 'accounts', accounts: [OWN, PARTNER] },
    '[multi]',
  ],
  [
    'StringNotEquals aws:SourceAccount: only a service acting for the account is left',
    '*',
    guard({ StringNotEquals: { 'aws:SourceAccount': OWN } }),
    { kind: 'accounts', accounts: [OWN] },
    '[keys]',
  ],
  [
    'StringNotEquals aws:SourceOrgID',
    '*',
    guard({ StringNotEquals: { 'aws:SourceOrgID': ORG } }),
    { kind: 'organization' },
    '[keys]',
  ],
  [
    'ArnNotLike aws:PrincipalArn with a fixed account',
    '*',
    guard({ ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${PARTNER}:role/*` } }),
    { kind: 'accounts', accounts: [PARTNER] },
    '[ops] ARN operators',
  ],
  [
    'ArnNotEquals aws:SourceArn with a fixed account',
    SERVICE,
    guard({ ArnNotEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${OWN}:topic` } }),
    { kind: 'accounts', accounts: [OWN] },
    '[ops] ARN operators',
  ],
  [
    'StringNotLike aws:PrincipalOrgPaths under one organization',
    '*',
    guard({ StringNotLike: { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/*` } }),
    { kind: 'organization' },
    '[ops]',
  ],
  [
    'StringNotEqualsIgnoreCase aws:PrincipalAccount',
    { AWS: PARTNER },
    guard({ StringNotEqualsIgnoreCase: { 'aws:PrincipalAccount': OWN } }),
    null,
    '[ops]',
  ],
  [
    'an account grant inside the guard stays',
    { AWS: `arn:aws:iam::${PARTNER}:root` },
    guard({ StringNotEquals: { 'aws:PrincipalAccount': [PARTNER] } }),
    { kind: 'accounts', accounts: [PARTNER] },
    '[multi]',
  ],
  [
    'an IAM principal lacks aws:SourceAccount: denied',
    { AWS: PARTNER },
    guard({ StringNotEquals: { 'aws:SourceAccount': PARTNER } }),
    null,
    '[ops] [keys]',
  ],
  [
    'a service principal lacks aws:PrincipalOrgID: denied',
    SERVICE,
    guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }),
    null,
    '[ops] [keys]',
  ],
  [
    'data perimeter: org or any AWS service (BoolIfExists aws:PrincipalIsAWSService false)',
    '*',
    guard({
      StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    }),
    { kind: 'unbound-service' },
    '[multi] [keys]',
  ],
  [
    'two keys: a caller escapes when either is false (union)',
    '*',
    guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': PARTNER } }),
    { kind: 'organization', accounts: [PARTNER] },
    '[multi]',
  ],
  [
    'two guards: a caller must escape both (intersection)',
    '*',
    guard({ StringNotEquals: { 'aws:PrincipalAccount': [OWN, PARTNER] } }),
    { kind: 'accounts', accounts: [OWN, PARTNER] },
    '[eval]',
  ],
  // Conditions that may be false for anyone: the Deny is assumed not to apply (the Allow stands).
  ['Null check', '*', guard({ Null: { 'aws:PrincipalOrgID': 'true' } }), { kind: 'public' }, '[ops] Null'],
  ['positive operator', '*', guard({ StringEquals: { 'aws:PrincipalAccount': PARTNER } }), { kind: 'public' }, '[ops]'],
  [
    'a wildcard in a negated StringNotLike',
    '*',
    guard({ StringNotLike: { 'aws:PrincipalAccount': '1111*' } }),
    { kind: 'public' },
    '[ops] wildcards',
  ],
  [
    'a policy variable',
    '*',
    guard({ StringNotEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } }),
    { kind: 'public' },
    '[ops]',
  ],
  [
    'a guard plus an unrelated condition',
    '*',
    guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG }, Bool: { 'aws:SecureTransport': 'false' } }),
    { kind: 'public' },
    '[multi]',
  ],
  [
    'a Deny naming another principal',
    '*',
    { Principal: { AWS: PARTNER }, Action: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } },
    { kind: 'public' },
    '[eval]',
  ],
  [
    'a Deny of another action',
    '*',
    { ...guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }), Action: 'lambda:GetFunction' },
    { kind: 'public' },
    '[eval]',
  ],
  [
    'Deny + NotResource may not be on this function',
    '*',
    { Principal: '*', Action: '*', NotResource: `arn:aws:lambda:us-east-1:${OWN}:function:fn` },
    { kind: 'public' },
    '[eval]',
  ],
  [
    'Deny + NotPrincipal leaves the listed accounts',
    '*',
    { NotPrincipal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: '*' },
    { kind: 'accounts', accounts: [PARTNER] },
    '[notp]',
  ],
];

describe('Deny guards confine an Allow (AWS policy evaluation)', () => {
  it.each(rows)('%s', (_name, principal, deny, expected, source) => {
    expect(source).toMatch(/^\[/);
    const statements: Record<string, unknown>[] = [
      { Sid: 'open', Effect: 'Allow', Principal: principal, Action: 'lambda:InvokeFunction' },
      { Sid: 'guard', Effect: 'Deny', ...deny },
    ];
    // The intersection row needs a second guard.
    if (_name.startsWith('two guards'))
      statements.push({ Effect: 'Deny', ...guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }) });
    const grants = invokeGrants(normalisePolicy({ Statement: statements }));
    expect(grants[0]?.audience ?? null).toEqual(expected);
    expect(grants.length).toBe(expected === null ? 0 : 1);
  });

  it('confines each action by the Denies that cover it', () => {
    const grants = invokeGrants(
      normalisePolicy({
        Statement: [
          { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:Invoke*' },
          {
            Effect: 'Deny',
            ...guard({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }),
            Action: 'lambda:InvokeFunction',
          },
        ],
      }),
    );
    expect(grants).toMatchObject([
      { invoke: true, url: false, audience: { kind: 'organization' } },
      { invoke: false, url: true, audience: { kind: 'public' } },
    ]);
  });

  it('confines read grants the same way', () => {
    const policy = normalisePolicy({
      Statement: [
        { Sid: 'read', Effect: 'Allow', Principal: '*', Action: 'lambda:Get*' },
        {
          Effect: 'Deny',
          ...guard({ StringNotEquals: { 'aws:PrincipalAccount': OWN } }),
          Action: 'lambda:GetFunction',
        },
      ],
    });
    expect(readGrants(policy)).toEqual([
      { sid: 'read', principal: '*', actions: ['lambda:GetFunction'], audience: { kind: 'accounts', accounts: [OWN] } },
      { sid: 'read', principal: '*', actions: ['lambda:GetFunctionConfiguration'], audience: { kind: 'public' } },
    ]);
  });
});
