import { normalisePolicy, statementFromPermission } from '../../../src/snapshot/policy.js';
import type { PolicyStatement } from '../../../src/snapshot/types.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const OWN = '111122223333';
const withPolicy = (...Statement: PolicyStatement[]) => record({ policy: { Statement } });
const allow = (statement: Record<string, unknown>) =>
  normalisePolicy({ Statement: [{ Effect: 'Allow', ...statement }] });
const permission = statementFromPermission;

// Infrastructure as code: the adapters leave an unresolved condition value (`!GetAtt Bucket.Arn`) out
// of the statement and record it as unknown.
const planTime = (path: string) => [{ path, reason: 'plan-time' as const, detail: 'SourceArn: !GetAtt Uploads.Arn' }];

ruleTester('function-public-access', {
  valid: [
    record(), // no policy
    withPolicy(permission({ StatementId: 'acct', Action: 'lambda:InvokeFunction', Principal: OWN })),
    withPolicy(
      permission({
        StatementId: 's3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::bucket',
        SourceAccount: OWN,
      }),
    ),
    withPolicy(
      permission({
        StatementId: 'apigw',
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:us-east-1:${OWN}:abc123/*/GET/items`, // wildcards, fixed account
      }),
    ),
    withPolicy(
      permission({
        StatementId: 'org',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        PrincipalOrgID: 'o-a1b2c3d4e5',
      }),
    ),
    withPolicy(
      permission({
        StatementId: 'alexa',
        Action: 'lambda:InvokeFunction',
        Principal: 'alexa-appkit.amazon.com',
        EventSourceToken: 'amzn1.ask.skill.1',
      }),
    ),
    // Only through the function URL: function-url-public's business (Oct 2025 authorization model).
    withPolicy(
      permission({
        StatementId: 'viaUrl',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        InvokedViaFunctionUrl: true,
      }),
    ),
    withPolicy(
      permission({
        StatementId: 'url',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    ),
    // Conditions on the calling VPC or account, keys in any case.
    ...allow({
      Sid: 'vpce',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Condition: { StringEquals: { 'AWS:SourceVpce': 'vpce-1a2b3c' } },
    }).Statement.map((s) => withPolicy(s)),
    ...allow({
      Sid: 'acct',
      Principal: '*',
      Action: 'lambda:*',
      Condition: { StringEquals: { 'aws:principalaccount': OWN } },
    }).Statement.map((s) => withPolicy(s)),
    // An unconditional Deny for everyone cancels the Allow.
    withPolicy(
      ...normalisePolicy({
        Statement: [
          { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' },
          { Sid: 'shut', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'lambda:Invoke*' },
        ],
      }).Statement,
    ),
    // A condition left unknown cannot make a statement that is already tied down public.
    record({
      policy: {
        Statement: [
          permission({
            StatementId: 's3',
            Action: 'lambda:InvokeFunction',
            Principal: 's3.amazonaws.com',
            SourceAccount: OWN,
          }),
        ],
      },
      unknown: planTime('policy.Statement.Condition'),
    }),
    // Other actions only (read and invoke grants moved to invalid by issue 21).
    ...allow({ Sid: 'policy', Principal: '*', Action: 'lambda:GetPolicy' }).Statement.map((s) => withPolicy(s)),
    ...allow({ Sid: 'notInvokeOrGet', Principal: '*', NotAction: ['lambda:Invoke*', 'lambda:Get*'] }).Statement.map(
      (s) => withPolicy(s),
    ),
    // Read by the own account, or by a service principal: not "anyone".
    ...allow({ Sid: 'ownRead', Principal: { AWS: OWN }, Action: 'lambda:GetFunction' }).Statement.map((s) =>
      withPolicy(s),
    ),
    ...allow({ Sid: 'svcRead', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:Get*' }).Statement.map(
      (s) => withPolicy(s),
    ),
    // Read behind a Deny guard on the organization.
    withPolicy(
      ...normalisePolicy({
        Statement: [
          { Sid: 'read', Effect: 'Allow', Principal: '*', Action: 'lambda:GetFunction' },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'lambda:*',
            Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      }).Statement,
    ),
    // Issue 21: a Deny guard confines "*" to the organization.
    withPolicy(
      ...normalisePolicy({
        Statement: [
          { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' },
          {
            Sid: 'guard',
            Effect: 'Deny',
            Principal: '*',
            Action: 'lambda:*',
            Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      }).Statement,
    ),
  ],
  invalid: [
    {
      record: withPolicy(...allow({ Sid: 'public', Principal: '*', Action: 'lambda:InvokeFunction' }).Statement),
      messageIncludes: ['public', 'principal *'],
      vars: { access: 'invoked', sids: 'public', count: 1 },
    },
    // Issue 21: read access to everyone (Security Hub Lambda.1). These two were valid before.
    {
      record: withPolicy(...allow({ Sid: 'get', Principal: '*', Action: 'lambda:GetFunction' }).Statement),
      vars: { access: 'read', sids: 'get', principals: '*', count: 1 },
    },
    {
      record: withPolicy(...allow({ Sid: 'notInvoke', Principal: '*', NotAction: 'lambda:Invoke*' }).Statement),
      vars: { access: 'read', sids: 'notInvoke' },
    },
    {
      record: withPolicy(
        ...allow({ Sid: 'config', Principal: { AWS: '*' }, Action: 'lambda:GetFunctionConfiguration' }).Statement,
      ),
      vars: { access: 'read' },
    },
    {
      record: withPolicy(...allow({ Sid: 'getStar', Principal: '*', Action: 'lambda:Get*' }).Statement),
      vars: { access: 'read' },
    },
    // lambda:* names the statement once.
    {
      record: withPolicy(...allow({ Sid: 'all', Principal: '*', Action: 'lambda:*' }).Statement),
      vars: { access: 'invoked and read', statements: 'all (principal *)', count: 1 },
    },
    {
      record: withPolicy(
        ...allow({
          Sid: 'awsStar',
          Principal: { AWS: ['arn:aws:iam::999988887777:root', '*'] },
          Action: 'lambda:invoke*',
        }).Statement,
      ),
      messageIncludes: ['awsStar'],
    },
    { record: withPolicy(...allow({ Principal: '*', Action: '*' }).Statement), messageIncludes: ['statement #1'] },
    {
      record: withPolicy(...allow({ Sid: 'notAction', Principal: '*', NotAction: 'lambda:DeleteFunction' }).Statement),
    },
    // A wildcard value, IfExists, ForAllValues and negations do not tie the caller down.
    {
      record: withPolicy(
        ...allow({
          Sid: 'like',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Condition: { StringLike: { 'aws:SourceAccount': '*' } },
        }).Statement,
      ),
    },
    {
      record: withPolicy(
        ...allow({
          Sid: 'ifExists',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Condition: { StringEqualsIfExists: { 'aws:SourceAccount': OWN } },
        }).Statement,
      ),
    },
    {
      record: withPolicy(
        ...allow({
          Sid: 'forAll',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        }).Statement,
      ),
    },
    {
      record: withPolicy(
        ...allow({
          Sid: 'not',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Condition: { StringNotEquals: { 'aws:SourceAccount': '999988887777' } },
        }).Statement,
      ),
    },
    {
      record: withPolicy(
        ...allow({
          Sid: 'ip',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        }).Statement,
      ),
    },
    {
      record: withPolicy(
        ...allow({
          Sid: 'var',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } },
        }).Statement,
      ),
    },
    // Confused deputy: a service principal with no source condition (Security Hub Lambda.1 fails it).
    {
      record: withPolicy(
        permission({ StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' }),
      ),
      messageIncludes: ['sns (principal sns.amazonaws.com, no source condition)'],
    },
    // An S3 bucket ARN names no account: anyone can claim a deleted bucket's name.
    {
      record: withPolicy(
        permission({
          StatementId: 's3',
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceArn: 'arn:aws:s3:::bucket',
        }),
      ),
    },
    // A conditional Deny does not cancel it.
    {
      record: withPolicy(
        ...normalisePolicy({
          Statement: [
            { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' },
            {
              Sid: 'some',
              Effect: 'Deny',
              Principal: '*',
              Action: 'lambda:InvokeFunction',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }).Statement,
      ),
      messageIncludes: ['open (principal *)'],
    },
  ],
  notJudged: [
    // ... but it may tie down one that is not.
    {
      record: record({
        policy: {
          Statement: [
            permission({ StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }),
          ],
        },
        unknown: planTime('policy.Statement.Condition'),
      }),
      path: 'policy.Statement.Condition',
    },
    // An unknown principal (the adapter writes "*" in its place) is never judged from the placeholder.
    {
      record: record({
        policy: { Statement: [permission({ StatementId: 'p', Action: 'lambda:GetFunction', Principal: '*' })] },
        unknown: planTime('policy.Statement.Principal'),
      }),
      path: 'policy.Statement.Principal',
    },
    { record: unread(record(), ['policy']), path: 'policy' },
    { record: unread(record(), ['policy'], 'denied'), path: 'policy' },
  ],
});
