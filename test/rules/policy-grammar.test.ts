// The IAM policy grammar a function's resource-based policy may use (Lambda PutResourcePolicy, API
// 2026-07-09, accepts any IAM policy document), each row transcribed from AWS's IAM JSON policy
// element reference and checked against what the analysis makes of it. A row's expectation lists
// `audience:access` for every grant (`invoke`, `url`, `read`), sorted; [] means nothing is granted.
//
// Sources (https://docs.aws.amazon.com/IAM/latest/UserGuide/...):
// [stmt]   reference_policies_elements_statement.html: Statement is one statement object or an array.
// [effect] reference_policies_elements_effect.html: Effect is Allow or Deny, required.
// [princ]  reference_policies_elements_principal.html: "*" and {"AWS": "*"} are everyone; account ids,
//          account root ARNs, role ARNs; AWS service principals; several principals in a list.
// [notp]   reference_policies_elements_notprincipal.html: NotPrincipal with Deny denies everyone but
//          the listed principals; with Allow it is not supported (older text: "allows all
//          principals except", so it is read as everyone).
// [action] reference_policies_elements_action.html: several actions in a list; wildcards; "Action
//          values are case-insensitive".
// [notact] reference_policies_elements_notaction.html: NotAction matches every action except those listed.
// [res]    reference_policies_elements_resource.html; [notres] reference_policies_elements_notresource.html:
//          NotResource matches every resource except those listed.
// [ops]    reference_policies_elements_condition_operators.html: string, ARN, Bool, Null, IP, numeric,
//          date operators; negated operators and ...IfExists are true for a missing key.
// [cond]   reference_policies_elements_condition.html: "Context key names are not case-sensitive".
// [multi]  reference_policies_multi-value-conditions.html: operators and keys AND, values OR,
//          ForAllValues/ForAnyValue set operators.
// [eval]   reference_policies_evaluation-logic.html: an explicit Deny overrides an Allow.
import { describe, expect, it } from 'vitest';
import { invokeGrants, readGrants } from '../../src/rules/checks/resource-policy.js';
import { MalformedPolicyError, normalisePolicy } from '../../src/snapshot/policy.js';

const OWN = '111122223333';
const PARTNER = '999988887777';
const FN = `arn:aws:lambda:us-east-1:${OWN}:function:fn`;

type Doc = Record<string, unknown>;
const allow = (extra: Doc): Doc => ({ Effect: 'Allow', Resource: FN, ...extra });

/** `audience:access` per grant, sorted. */
function summary(document: unknown): string[] {
  const policy = normalisePolicy(document);
  const out: string[] = [];
  for (const g of invokeGrants(policy)) {
    const who = g.audience.kind === 'accounts' ? `accounts(${g.audience.accounts.join(',')})` : g.audience.kind;
    if (g.invoke) out.push(`${who}:invoke`);
    if (g.url) out.push(`${who}:url`);
  }
  for (const g of readGrants(policy)) {
    const who = g.audience.kind === 'accounts' ? `accounts(${g.audience.accounts.join(',')})` : g.audience.kind;
    out.push(`${who}:read`);
  }
  return [...new Set(out)].sort();
}

const ALL_PUBLIC = ['public:invoke', 'public:read', 'public:url'];

const rows: readonly (readonly [name: string, document: unknown, expected: readonly string[], source: string])[] = [
  // Statement
  [
    'a single Statement object',
    { Statement: allow({ Principal: '*', Action: 'lambda:InvokeFunction' }) },
    ['public:invoke'],
    '[stmt]',
  ],
  [
    'a Statement array',
    { Statement: [allow({ Principal: '*', Action: 'lambda:InvokeFunction' })] },
    ['public:invoke'],
    '[stmt]',
  ],
  ['no Statement', { Version: '2012-10-17' }, [], '[stmt]'],
  // Principal
  ['Principal "*"', { Statement: allow({ Principal: '*', Action: 'lambda:GetFunction' }) }, ['public:read'], '[princ]'],
  [
    'Principal {"AWS": "*"}',
    { Statement: allow({ Principal: { AWS: '*' }, Action: 'lambda:InvokeFunction' }) },
    ['public:invoke'],
    '[princ]',
  ],
  [
    'an account id',
    { Statement: allow({ Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction' }) },
    [`accounts(${PARTNER}):invoke`],
    '[princ]',
  ],
  [
    'an account root ARN and a role ARN in one list',
    {
      Statement: allow({
        Principal: { AWS: [`arn:aws:iam::${PARTNER}:root`, `arn:aws:iam::${OWN}:role/r`] },
        Action: 'lambda:InvokeFunction',
      }),
    },
    [`accounts(${OWN}):invoke`, `accounts(${PARTNER}):invoke`],
    '[princ]',
  ],
  [
    'a service principal without a source',
    { Statement: allow({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction' }) },
    ['unbound-service:invoke'],
    '[princ]',
  ],
  [
    'a service principal list holding two services',
    {
      Statement: allow({
        Principal: { Service: ['sns.amazonaws.com', 'events.amazonaws.com'] },
        Action: 'lambda:InvokeFunction',
        Condition: { StringEquals: { 'aws:SourceAccount': OWN } },
      }),
    },
    [`accounts(${OWN}):invoke`],
    '[princ] [cond]',
  ],
  // NotPrincipal
  [
    'Allow with NotPrincipal (unsupported; read as everyone)',
    { Statement: allow({ NotPrincipal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction' }) },
    ['public:invoke'],
    '[notp]',
  ],
  [
    'Deny with NotPrincipal leaves the listed account',
    {
      Statement: [
        allow({ Principal: '*', Action: 'lambda:InvokeFunction' }),
        { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: '*', Resource: FN },
      ],
    },
    [`accounts(${PARTNER}):invoke`],
    '[notp]',
  ],
  [
    'Deny with NotPrincipal naming the granted account leaves its grant',
    {
      Statement: [
        allow({ Principal: { AWS: PARTNER }, Action: 'lambda:InvokeFunction' }),
        { Effect: 'Deny', NotPrincipal: { AWS: PARTNER }, Action: '*' },
      ],
    },
    [`accounts(${PARTNER}):invoke`],
    '[notp]',
  ],
  // Action
  [
    'several actions in a list',
    { Statement: allow({ Principal: '*', Action: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'] }) },
    ['public:invoke', 'public:read'],
    '[action]',
  ],
  ['"*" is every action', { Statement: allow({ Principal: '*', Action: '*' }) }, ALL_PUBLIC, '[action]'],
  [
    'lambda:* is every Lambda action',
    { Statement: allow({ Principal: '*', Action: 'lambda:*' }) },
    ALL_PUBLIC,
    '[action]',
  ],
  ['lambda:Get* is read', { Statement: allow({ Principal: '*', Action: 'lambda:Get*' }) }, ['public:read'], '[action]'],
  [
    'lambda:Invoke* is both invoke actions',
    { Statement: allow({ Principal: '*', Action: 'lambda:Invoke*' }) },
    ['public:invoke', 'public:url'],
    '[action]',
  ],
  [
    'action names are case-insensitive',
    { Statement: allow({ Principal: '*', Action: 'LAMBDA:getfunction' }) },
    ['public:read'],
    '[action]',
  ],
  [
    'another service only',
    { Statement: allow({ Principal: '*', Action: ['s3:GetObject', 'lambda:GetPolicy'] }) },
    [],
    '[action]',
  ],
  // NotAction
  [
    'NotAction of one unrelated action grants the rest',
    { Statement: allow({ Principal: '*', NotAction: 'lambda:DeleteFunction' }) },
    ALL_PUBLIC,
    '[notact]',
  ],
  [
    'NotAction of Invoke* grants read',
    { Statement: allow({ Principal: '*', NotAction: 'lambda:Invoke*' }) },
    ['public:read'],
    '[notact]',
  ],
  [
    'Deny with NotAction denies every unlisted action',
    {
      Statement: [
        allow({ Principal: '*', Action: 'lambda:*' }),
        { Effect: 'Deny', Principal: '*', NotAction: 'lambda:GetFunction' },
      ],
    },
    ['public:read'],
    '[notact] [eval]',
  ],
  // Resource / NotResource
  [
    'Allow with NotResource (this function may be outside it: reported)',
    { Statement: { Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', NotResource: `${FN}:prod` } },
    ['public:invoke'],
    '[notres]',
  ],
  [
    'Deny with NotResource is assumed not to apply',
    {
      Statement: [
        allow({ Principal: '*', Action: 'lambda:InvokeFunction' }),
        { Effect: 'Deny', Principal: '*', Action: '*', NotResource: FN },
      ],
    },
    ['public:invoke'],
    '[notres]',
  ],
  [
    'Deny with Resource applies',
    {
      Statement: [
        allow({ Principal: '*', Action: 'lambda:InvokeFunction' }),
        { Effect: 'Deny', Principal: '*', Action: '*', Resource: FN },
      ],
    },
    [],
    '[res] [eval]',
  ],
  // Condition operators on the Allow
  [
    'StringEquals on an account ties',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { StringEquals: { 'aws:PrincipalAccount': PARTNER } },
      }),
    },
    [`accounts(${PARTNER}):invoke`],
    '[ops]',
  ],
  [
    'condition key names in any case',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { StringEquals: { 'AWS:PRINCIPALACCOUNT': PARTNER } },
      }),
    },
    [`accounts(${PARTNER}):invoke`],
    '[cond]',
  ],
  [
    'StringEqualsIfExists ties nothing (true without the key)',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { StringEqualsIfExists: { 'aws:PrincipalAccount': PARTNER } },
      }),
    },
    ['public:invoke'],
    '[ops]',
  ],
  [
    'StringNotEquals on the Allow ties nothing',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': PARTNER } },
      }),
    },
    ['public:invoke'],
    '[ops]',
  ],
  [
    'Null ties nothing',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { Null: { 'aws:PrincipalOrgID': 'false' } },
      }),
    },
    ['public:invoke'],
    '[ops]',
  ],
  [
    'IpAddress ties nothing (a network, not an identity)',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      }),
    },
    ['public:invoke'],
    '[ops]',
  ],
  [
    'NumericLessThan and DateLessThan tie nothing',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: {
          NumericLessThan: { 's3:max-keys': '10' },
          DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
        },
      }),
    },
    ['public:invoke'],
    '[ops]',
  ],
  [
    'ForAnyValue:StringEquals on an account ties',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': [OWN, PARTNER] } },
      }),
    },
    [`accounts(${OWN},${PARTNER}):invoke`],
    '[multi]',
  ],
  [
    'ForAllValues:StringEquals ties nothing (true without the key)',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalAccount': [OWN] } },
      }),
    },
    ['public:invoke'],
    '[multi]',
  ],
  [
    'two keys AND: accounts intersect',
    {
      Statement: allow({
        Principal: '*',
        Action: 'lambda:InvokeFunction',
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': [OWN, PARTNER] },
          ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${PARTNER}:role/*` },
        },
      }),
    },
    [`accounts(${PARTNER}):invoke`],
    '[multi]',
  ],
  [
    'ArnLike with a wildcard account ties nothing',
    {
      Statement: allow({
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:topic' } },
      }),
    },
    ['unbound-service:invoke'],
    '[ops]',
  ],
  // Deny conditions
  [
    'a Deny guard StringNotEquals aws:PrincipalOrgID confines to the organization',
    {
      Statement: [
        allow({ Principal: '*', Action: 'lambda:*' }),
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'lambda:*',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        },
      ],
    },
    ['organization:invoke', 'organization:read', 'organization:url'],
    '[ops] [eval]',
  ],
  [
    'a Deny under Bool aws:SecureTransport does not apply to everyone',
    {
      Statement: [
        allow({ Principal: '*', Action: 'lambda:InvokeFunction' }),
        { Effect: 'Deny', Principal: '*', Action: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    },
    ['public:invoke'],
    '[ops] [eval]',
  ],
  ['a Deny alone grants nothing', { Statement: { Effect: 'Deny', Principal: '*', Action: '*' } }, [], '[eval]'],
];

describe('the IAM policy grammar, from the AWS documentation', () => {
  it('has at least 30 rows, each citing a source', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const [, , , source] of rows) expect(source).toMatch(/^\[[a-z]+\]/);
  });

  it.each(rows)('%s', (_name, document, expected) => {
    expect(summary(document)).toEqual([...expected].sort());
  });

  it('refuses a statement without an Effect of Allow or Deny [effect]', () => {
    expect(() => normalisePolicy({ Statement: { Principal: '*', Action: '*' } })).toThrow(MalformedPolicyError);
    expect(() => normalisePolicy({ Statement: { Effect: 'Permit', Principal: '*', Action: '*' } })).toThrow(
      MalformedPolicyError,
    );
  });
});
