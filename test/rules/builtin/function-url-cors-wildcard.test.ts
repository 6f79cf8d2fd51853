import { statementFromPermission } from '../../../src/snapshot/policy.js';
import type { FunctionUrlInfo } from '../../../src/snapshot/types.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/';
const publicGrant = statementFromPermission({
  StatementId: 'public-url',
  Action: 'lambda:InvokeFunctionUrl',
  Principal: '*',
  FunctionUrlAuthType: 'NONE',
});
const accountGrant = statementFromPermission({
  StatementId: 'partner',
  Action: 'lambda:InvokeFunctionUrl',
  Principal: '999988887777',
});
const url = (AuthType: string, AllowOrigins?: string[], AllowCredentials?: boolean): FunctionUrlInfo => ({
  FunctionUrl: URL,
  AuthType,
  ...(AllowOrigins ? { Cors: { AllowOrigins, ...(AllowCredentials === undefined ? {} : { AllowCredentials }) } } : {}),
});

ruleTester('function-url-cors-wildcard', {
  valid: [
    record(),
    record({ policy: { Statement: [publicGrant] }, functionUrl: url('NONE') }), // no CORS at all
    record({ policy: { Statement: [publicGrant] }, functionUrl: url('NONE', ['https://app.example.com']) }),
    record({ policy: { Statement: [publicGrant] }, functionUrl: url('AWS_IAM', ['*']) }), // not public
    record({ policy: { Statement: [accountGrant] }, functionUrl: url('NONE', ['*']) }), // not public
    record({ policy: { Statement: [publicGrant] }, functionUrl: null }),
  ],
  invalid: [
    {
      record: record({ policy: { Statement: [publicGrant] }, functionUrl: url('NONE', ['*']) }),
      messageIncludes: ['public-url (principal *)', 'credentials not allowed'],
    },
    {
      record: record({
        policy: { Statement: [publicGrant] },
        functionUrl: url('NONE', ['https://app.example.com', '*'], true),
      }),
      messageIncludes: ['credentials allowed'],
    },
  ],
  notJudged: [
    {
      record: unread(record({ policy: { Statement: [publicGrant] } }), ['functionUrl'], 'skipped'),
      path: 'functionUrl',
    },
    // From a template: the auth type is known, the origins only at deploy time.
    {
      record: record({
        policy: { Statement: [publicGrant] },
        functionUrl: url('NONE', []),
        unknown: [{ path: 'functionUrl.Cors.AllowOrigins', reason: 'plan-time', detail: '!Ref Origins' }],
      }),
      path: 'functionUrl.Cors.AllowOrigins',
    },
  ],
});
