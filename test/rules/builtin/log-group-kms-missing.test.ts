import { record, ruleTester } from '../../helpers/rule-tester.js';

const GROUP = '/aws/lambda/fn';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

ruleTester('log-group-kms-missing', {
  valid: [record({ logGroup: { logGroupName: GROUP, kmsKeyId: KEY } }), record({ logGroup: null })],
  invalid: [{ record: record({ logGroup: { logGroupName: GROUP, retentionInDays: 14 } }), messageIncludes: [GROUP] }],
  notJudged: [
    {
      record: record({
        unknown: [{ path: 'logGroup', reason: 'failed', detail: 'logs:DescribeLogGroups ServiceUnavailable' }],
      }),
      path: 'logGroup',
    },
    { record: record({ source: 'template' }), path: 'logGroup' },
  ],
});
