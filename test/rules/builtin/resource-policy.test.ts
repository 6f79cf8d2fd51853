// The policy analysis behind the exposure rules, case by case: actions, principals, conditions, Denies.
import { describe, expect, it } from 'vitest';
import {
  actionMatches,
  invokeGrants,
  mayGrantUrlInvoke,
  type Audience,
} from '../../../src/rules/checks/resource-policy.js';
import { normalisePolicy } from '../../../src/snapshot/policy.js';

const OWN = '111122223333';
const PARTNER = '999988887777';
const policy = (...Statement: Record<string, unknown>[]) => normalisePolicy({ Statement });
const allow = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Action: 'lambda:InvokeFunction', ...extra });
/** The audience of a one-statement policy granting InvokeFunction to `*` under `Condition`. */
const tiedBy = (Condition: Record<string, unknown>): Audience | undefined =>
  invokeGrants(policy(allow({ Principal: '*', Condition })))[0]?.audience;

describe('actionMatches', () => {
  it.each([
    ['lambda:InvokeFunction', 'lambda:InvokeFunction', true],
    ['LAMBDA:invokefunction', 'lambda:InvokeFunction', true],
    ['lambda:Invoke*', 'lambda:InvokeFunctionUrl', true],
    ['lambda:InvokeFunctio?', 'lambda:InvokeFunction', true],
    ['*', 'lambda:InvokeFunctionUrl', true],
    ['lambda:*', 'lambda:InvokeFunction', true],
    ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl', false],
    ['lambda:Get*', 'lambda:InvokeFunction', false],
    ['s3:*', 'lambda:InvokeFunction', false],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe('invokeGrants', () => {
  it('gives one grant per principal, with the Sid or the statement number', () => {
    const grants = invokeGrants(
      policy(
        { Effect: 'Deny', Principal: '*', Action: 'lambda:DeleteFunction' },
        allow({ Sid: 'two', Principal: { AWS: [PARTNER, `arn:aws:iam::${OWN}:role/r`] } }),
        allow({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:Invoke*' }),
      ),
    );
    expect(grants).toEqual([
      {
        sid: 'two',
        principal: PARTNER,
        invoke: true,
        url: false,
        viaUrlOnly: false,
        audience: { kind: 'accounts', accounts: [PARTNER] },
      },
      {
        sid: 'two',
        principal: `arn:aws:iam::${OWN}:role/r`,
        invoke: true,
        url: false,
        viaUrlOnly: false,
        audience: { kind: 'accounts', accounts: [OWN] },
      },
      {
        sid: 'statement #3',
        principal: 'sns.amazonaws.com',
        invoke: true,
        url: true,
        viaUrlOnly: false,
        audience: { kind: 'unbound-service' },
      },
    ]);
  });

  it('knows principals that name no account', () => {
    const kinds = (Principal: unknown) => invokeGrants(policy(allow({ Principal })))[0]?.audience.kind;
    expect(kinds({ Federated: 'cognito-identity.amazonaws.com' })).toBe('restricted');
    expect(kinds({ AWS: 'AROAEXAMPLEUNIQUEID1' })).toBe('restricted'); // a deleted role's unique id
    expect(kinds({ CanonicalUser: '*' })).toBe('public');
    expect(invokeGrants(policy(allow({ NotPrincipal: { AWS: PARTNER } })))[0]).toMatchObject({
      principal: 'NotPrincipal',
      audience: { kind: 'public' },
    });
  });

  it('reads the conditions that tie a caller down, keys in any case', () => {
    expect(tiedBy({ StringEquals: { 'AWS:SOURCEACCOUNT': PARTNER } })).toEqual({
      kind: 'accounts',
      accounts: [PARTNER],
    });
    expect(tiedBy({ StringLike: { 'aws:SourceOwner': OWN } })).toEqual({ kind: 'accounts', accounts: [OWN] });
    expect(tiedBy({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${PARTNER}:role/*` } })).toEqual({
      kind: 'accounts',
      accounts: [PARTNER],
    });
    expect(tiedBy({ 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': [OWN, PARTNER] } })).toEqual({
      kind: 'accounts',
      accounts: [OWN, PARTNER],
    });
    expect(tiedBy({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } })).toEqual({ kind: 'organization' });
    expect(tiedBy({ StringLike: { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } })).toEqual({
      kind: 'organization',
    });
    expect(tiedBy({ StringEquals: { 'aws:SourceVpc': 'vpc-1a2b3c4d' } })).toEqual({ kind: 'restricted' });
    expect(tiedBy({ StringEquals: { 'lambda:EventSourceToken': 'amzn1.ask.skill.x' } })).toEqual({
      kind: 'restricted',
    });
    // Accounts are narrower than an organization; two account conditions keep what they share.
    expect(
      tiedBy({
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalAccount': [OWN, PARTNER] },
        ArnLike: { 'aws:SourceArn': `arn:aws:sns:*:${PARTNER}:t` },
      }),
    ).toEqual({ kind: 'accounts', accounts: [PARTNER] });
  });

  it('does not count conditions a caller without the key, or any caller, satisfies', () => {
    for (const condition of [
      { StringLike: { 'aws:SourceAccount': '*' } },
      { StringLike: { 'aws:PrincipalOrgPaths': '*' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket' } }, // no account in an S3 ARN
      { StringEqualsIfExists: { 'aws:SourceAccount': OWN } },
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { StringNotEquals: { 'aws:PrincipalAccount': PARTNER } },
      { Null: { 'aws:SourceAccount': 'false' } },
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } },
      { Bool: { 'aws:SecureTransport': 'true' } },
    ])
      expect(tiedBy(condition), JSON.stringify(condition)).toEqual({ kind: 'public' });
  });

  it('drops a statement whose conditions no caller can meet', () => {
    expect(
      invokeGrants(
        policy(
          allow({
            Principal: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': OWN, 'aws:PrincipalAccount': PARTNER } },
          }),
        ),
      ),
    ).toEqual([]);
  });

  it('tells grants that only apply through the function URL', () => {
    const [viaUrl] = invokeGrants(
      policy(allow({ Principal: '*', Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } })),
    );
    expect(viaUrl).toMatchObject({ invoke: false, url: false, viaUrlOnly: true, audience: { kind: 'public' } });
    const [iam] = invokeGrants(
      policy(
        allow({
          Principal: '*',
          Action: 'lambda:InvokeFunctionUrl',
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
        }),
      ),
    );
    expect(iam).toMatchObject({ url: true, urlAuthTypes: ['AWS_IAM'], audience: { kind: 'authenticated' } });
    const [none] = invokeGrants(
      policy(
        allow({
          Principal: '*',
          Action: 'lambda:InvokeFunctionUrl',
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
        }),
      ),
    );
    expect(none).toMatchObject({ url: true, urlAuthTypes: ['NONE'], audience: { kind: 'public' } });
    const [any] = invokeGrants(
      policy(
        allow({
          Principal: '*',
          Action: 'lambda:InvokeFunctionUrl',
          Condition: { StringLike: { 'lambda:FunctionUrlAuthType': '*' } },
        }),
      ),
    );
    expect(any?.urlAuthTypes).toBeUndefined();
    const [notVia] = invokeGrants(
      policy(allow({ Principal: '*', Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'false' } } })),
    );
    expect(notVia).toMatchObject({ invoke: true, viaUrlOnly: false });
  });

  it('lets unconditional Denies of the same principal and action cancel grants, and no unrelated Deny', () => {
    const open = allow({ Sid: 'open', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'lambda:*' });
    const grantsWith = (deny: Record<string, unknown>) => invokeGrants(policy(open, { Effect: 'Deny', ...deny }));
    expect(grantsWith({ Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction' })).toMatchObject([
      { invoke: false, url: true },
    ]);
    expect(grantsWith({ Principal: '*', Action: 'lambda:Invoke*' })).toEqual([]);
    expect(grantsWith({ Principal: '*', NotAction: 'lambda:GetFunction' })).toEqual([]);
    expect(grantsWith({ Principal: { AWS: OWN }, Action: '*' })).toMatchObject([{ invoke: true, url: true }]);
    // Deny + NotPrincipal denies everyone it does not list (issue 21: it used to be ignored).
    expect(grantsWith({ NotPrincipal: { AWS: OWN }, Action: '*' })).toEqual([]);
    expect(grantsWith({ NotPrincipal: { AWS: PARTNER }, Action: '*' })).toMatchObject([{ invoke: true, url: true }]);
    expect(
      grantsWith({ Principal: '*', Action: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ).toMatchObject([{ invoke: true, url: true }]);
  });

  it('grants nothing for no policy, other actions, or Deny statements', () => {
    expect(invokeGrants(null)).toEqual([]);
    expect(invokeGrants(undefined)).toEqual([]);
    expect(invokeGrants(policy(allow({ Principal: '*', Action: 'lambda:GetPolicy' })))).toEqual([]);
    expect(invokeGrants(policy({ Effect: 'Deny', Principal: '*', Action: '*' }))).toEqual([]);
  });
});

describe('mayGrantUrlInvoke (what lets a crawler skip the URL read)', () => {
  const cases = [
    policy(allow({ Principal: '*', Action: 'lambda:InvokeFunctionUrl' })),
    policy(allow({ Principal: '*', Action: 'lambda:invoke*' })),
    policy(allow({ Principal: '*', Action: undefined, NotAction: 'lambda:InvokeFunction' })),
    policy(allow({ Principal: '*' })),
    policy(allow({ Principal: '*', Action: undefined, NotAction: 'lambda:InvokeFunctionUrl' })),
    policy({ Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunctionUrl' }),
  ];
  it('is true exactly where a statement could grant lambda:InvokeFunctionUrl', () => {
    expect(cases.map(mayGrantUrlInvoke)).toEqual([true, true, true, false, false, false]);
    expect(mayGrantUrlInvoke(null)).toBe(false);
  });
  it('is true wherever the analysis finds a URL grant, so a skipped URL never hides a public one', () => {
    for (const p of cases) if (invokeGrants(p).some((g) => g.url)) expect(mayGrantUrlInvoke(p)).toBe(true);
  });
});
