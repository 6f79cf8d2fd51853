import { normalisePolicy, statementFromPermission } from '../../../src/snapshot/policy.js';
import type { FunctionUrlInfo, PolicyStatement } from '../../../src/snapshot/types.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/';
const none: FunctionUrlInfo = { FunctionUrl: URL, AuthType: 'NONE', InvokeMode: 'BUFFERED' };
const iam: FunctionUrlInfo = { FunctionUrl: URL, AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED' };
// What the console and AddPermission write for a public URL since October 2025: both actions.
const publicUrl = [
  statementFromPermission({
    StatementId: 'FunctionURLAllowPublicAccess',
    Action: 'lambda:InvokeFunctionUrl',
    Principal: '*',
    FunctionUrlAuthType: 'NONE',
  }),
  statementFromPermission({
    StatementId: 'FunctionURLInvokeAllowPublicAccess',
    Action: 'lambda:InvokeFunction',
    Principal: '*',
    InvokedViaFunctionUrl: true,
  }),
];
const fn = (functionUrl: FunctionUrlInfo | null, ...Statement: PolicyStatement[]) =>
  record({ policy: { Statement }, functionUrl });

ruleTester('function-url-public', {
  valid: [
    record(),
    fn(iam, ...publicUrl), // AWS_IAM: callers must sign their requests
    fn(null, ...publicUrl), // a grant left behind after the URL was deleted
    fn(none), // a NONE URL nobody was granted: every call is refused
    // Granted to one account, or tied to AWS_IAM callers, or to an organization.
    fn(
      none,
      statementFromPermission({
        StatementId: 'acct',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '999988887777',
        FunctionUrlAuthType: 'NONE',
      }),
    ),
    fn(
      none,
      statementFromPermission({
        StatementId: 'iam',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'AWS_IAM',
      }),
    ),
    fn(
      none,
      statementFromPermission({
        StatementId: 'org',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        PrincipalOrgID: 'o-a1b2c3d4e5',
      }),
    ),
    // No lambda:InvokeFunctionUrl grant: the crawler may not even have read the URL, and need not.
    unread(record({ policy: { Statement: [publicUrl[1]!] } }), ['functionUrl'], 'skipped'),
  ],
  invalid: [
    { record: fn(none, ...publicUrl), messageIncludes: ['FunctionURLAllowPublicAccess (principal *)'] },
    // Before October 2025 the InvokeFunctionUrl grant alone opened the URL; such URLs are reported too.
    { record: fn(none, publicUrl[0]!) },
    {
      record: fn(
        none,
        ...normalisePolicy({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'lambda:*' }] }).Statement,
      ),
      messageIncludes: ['statement #1'],
    },
  ],
  notJudged: [
    // A template whose URL grant has a condition only known at deploy time.
    {
      record: record({
        policy: { Statement: [publicUrl[0]!] },
        functionUrl: none,
        unknown: [{ path: 'policy.Statement.Condition', reason: 'plan-time', detail: 'PrincipalOrgID: !Ref Org' }],
      }),
      path: 'policy.Statement.Condition',
    },
    // The policy grants public URL access and the URL was not read (skipped, denied, or IaC input).
    { record: unread(record({ policy: { Statement: publicUrl } }), ['functionUrl'], 'denied'), path: 'functionUrl' },
    { record: unread(record({ policy: { Statement: publicUrl } }), ['functionUrl']), path: 'functionUrl' },
    { record: unread(record(), ['policy']), path: 'policy' },
  ],
});
