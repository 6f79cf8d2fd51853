import { record, ruleTester } from '../../helpers/rule-tester.js';

const GROUP = '/aws/lambda/fn';

ruleTester('log-retention-missing', {
  valid: [
    record({ logGroup: { logGroupName: GROUP, retentionInDays: 30 } }),
    // Never logged: no group yet, nothing kept forever.
    record({ logGroup: null }),
  ],
  invalid: [
    { record: record({ logGroup: { logGroupName: GROUP } }), messageIncludes: [GROUP, 'forever'] },
    {
      record: record({ logGroup: { logGroupName: '/custom/payments', kmsKeyId: 'arn:aws:kms:us-east-1:1:key/k' } }),
      messageIncludes: ['/custom/payments'],
    },
  ],
  notJudged: [
    {
      record: record({
        unknown: [{ path: 'logGroup', reason: 'denied', detail: 'logs:DescribeLogGroups AccessDenied' }],
      }),
      path: 'logGroup',
    },
    {
      record: record({ unknown: [{ path: 'logGroup', reason: 'skipped', detail: '--no-log-groups' }] }),
      path: 'logGroup',
    },
    // An input file or an older snapshot: the group was never read.
    { record: record({ source: 'input' }), path: 'logGroup' },
    { record: record(), path: 'logGroup' },
  ],
});
