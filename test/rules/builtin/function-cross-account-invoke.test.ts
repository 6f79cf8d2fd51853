import { normalisePolicy, statementFromPermission } from '../../../src/snapshot/policy.js';
import type { FunctionUrlInfo, PolicyStatement } from '../../../src/snapshot/types.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const OWN = '111122223333';
const PARTNER = '999988887777';
const URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/';
const fn = (...Statement: PolicyStatement[]) => record({ policy: { Statement } });
const grant = statementFromPermission;
const withUrl = (AuthType: string | null, ...Statement: PolicyStatement[]) =>
  record({
    policy: { Statement },
    functionUrl: AuthType === null ? null : ({ FunctionUrl: URL, AuthType } satisfies FunctionUrlInfo),
  });
const anyIamUrl = grant({
  StatementId: 'anyIam',
  Action: 'lambda:InvokeFunctionUrl',
  Principal: '*',
  FunctionUrlAuthType: 'AWS_IAM',
});

// Infrastructure as code: the adapters leave an unresolved condition value (`!GetAtt Bucket.Arn`) out
// of the statement and record it as unknown.
const planTime = (path: string) => [{ path, reason: 'plan-time' as const, detail: 'SourceArn: !GetAtt Uploads.Arn' }];

ruleTester('function-cross-account-invoke', {
  valid: [
    record(),
    fn(grant({ StatementId: 'own', Action: 'lambda:InvokeFunction', Principal: OWN })),
    fn(
      grant({ StatementId: 'ownRole', Action: 'lambda:InvokeFunction', Principal: `arn:aws:iam::${OWN}:role/caller` }),
    ),
    fn(
      grant({
        StatementId: 'sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: `arn:aws:sns:us-east-1:${OWN}:topic`,
      }),
    ),
    // An organization is taken to be your own (option includeOrganizations: false).
    fn(grant({ StatementId: 'org', Action: 'lambda:InvokeFunction', Principal: '*', PrincipalOrgID: 'o-a1b2c3d4e5' })),
    // Public grants are function-public-access's and function-url-public's findings, not repeated here.
    fn(
      ...normalisePolicy({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' }] })
        .Statement,
    ),
    withUrl(
      'NONE',
      grant({ StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }),
    ),
    // Any signed-in principal, but no AWS_IAM URL to call: nothing reachable.
    withUrl(null, anyIamUrl),
    withUrl('NONE', anyIamUrl),
    // A public grant for AuthType NONE left behind after the URL moved to AWS_IAM: it no longer applies.
    withUrl(
      'AWS_IAM',
      grant({
        StatementId: 'wasPublic',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    ),
    // The InvokeFunction half of a URL grant alone: nothing to call, and no need for the URL (not read).
    unread(
      fn(grant({ StatementId: 'half', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true })),
      ['functionUrl'],
      'skipped',
    ),
    unread(
      fn(
        grant({
          StatementId: 'halfIam',
          Action: 'lambda:InvokeFunction',
          Principal: '*',
          FunctionUrlAuthType: 'AWS_IAM',
        }),
      ),
      ['functionUrl'],
      'skipped',
    ),
    // An unknown condition only narrows a grant already tied to the function's own account.
    record({
      policy: { Statement: [grant({ StatementId: 'own', Action: 'lambda:InvokeFunction', Principal: OWN })] },
      unknown: planTime('policy.Statement.Condition'),
    }),
    // Other actions, and grants cancelled by an unconditional Deny of the same account.
    fn(
      ...normalisePolicy({
        Statement: [{ Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'lambda:GetFunction' }],
      }).Statement,
    ),
    fn(
      ...normalisePolicy({
        Statement: [
          {
            Sid: 'partner',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
            Action: 'lambda:InvokeFunction',
          },
          { Sid: 'deny', Effect: 'Deny', Principal: { AWS: PARTNER }, Action: 'lambda:*' },
        ],
      }).Statement,
    ),
    // Issue 21: a Deny guard confines "*" to the organization, or to the own account.
    fn(
      ...normalisePolicy({
        Statement: [
          { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' },
          {
            Sid: 'guard',
            Effect: 'Deny',
            Principal: '*',
            Action: 'lambda:*',
            Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      }).Statement,
    ),
    fn(
      ...normalisePolicy({
        Statement: [
          { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' },
          {
            Sid: 'guard',
            Effect: 'Deny',
            Principal: '*',
            Action: 'lambda:*',
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': OWN } },
          },
        ],
      }).Statement,
    ),
  ],
  invalid: [
    {
      record: fn(grant({ StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: PARTNER })),
      messageIncludes: [PARTNER, `partner (principal arn:aws:iam::${PARTNER}:root)`],
    },
    {
      record: fn(
        grant({
          StatementId: 'role',
          Action: 'lambda:InvokeFunctionUrl',
          Principal: `arn:aws:iam::${PARTNER}:role/caller`,
        }),
      ),
      messageIncludes: [PARTNER],
    },
    // A service acting for another account's resource.
    {
      record: fn(
        grant({
          StatementId: 'topic',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
          SourceArn: `arn:aws:sns:us-east-1:${PARTNER}:topic`,
        }),
      ),
      messageIncludes: [PARTNER, 'topic (principal sns.amazonaws.com)'],
    },
    {
      record: fn(
        grant({
          StatementId: 'bucket',
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceAccount: PARTNER,
          SourceArn: 'arn:aws:s3:::partner-bucket',
        }),
      ),
      messageIncludes: [PARTNER],
    },
    // "*" tied to another account by a condition.
    {
      record: fn(
        ...normalisePolicy({
          Statement: [
            {
              Sid: 'cond',
              Effect: 'Allow',
              Principal: '*',
              Action: 'lambda:Invoke*',
              Condition: { StringEquals: { 'aws:PrincipalAccount': [PARTNER, OWN] } },
            },
          ],
        }).Statement,
      ),
      messageIncludes: [PARTNER],
    },
    // A URL grant to every signed-in principal, on an AWS_IAM URL.
    { record: withUrl('AWS_IAM', anyIamUrl), messageIncludes: ['any AWS account', 'anyIam (principal *)'] },
    {
      record: withUrl('AWS_IAM', grant({ StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*' })),
      messageIncludes: ['any AWS account'],
    },
    // Issue 21: a Deny guard that lets another account through.
    {
      record: fn(
        ...normalisePolicy({
          Statement: [
            { Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' },
            {
              Sid: 'guard',
              Effect: 'Deny',
              Principal: '*',
              Action: 'lambda:*',
              Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'aws:PrincipalAccount': PARTNER } },
            },
          ],
        }).Statement,
      ),
      messageIncludes: [PARTNER, 'open (principal *)'],
    },
  ],
  notJudged: [
    // An unknown SourceAccount could name another account.
    {
      record: record({
        policy: {
          Statement: [grant({ StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' })],
        },
        unknown: planTime('policy.Statement.Condition'),
      }),
      path: 'policy.Statement.Condition',
    },
    {
      record: record({
        policy: { Statement: [grant({ StatementId: 'p', Action: 'lambda:InvokeFunction', Principal: '*' })] },
        unknown: planTime('policy.Statement.Principal'),
      }),
      path: 'policy.Statement.Principal',
    },
    { record: unread(record(), ['policy']), path: 'policy' },
    { record: unread(record({ policy: { Statement: [anyIamUrl] } }), ['functionUrl']), path: 'functionUrl' },
  ],
});
