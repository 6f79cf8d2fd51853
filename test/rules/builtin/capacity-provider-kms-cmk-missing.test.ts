import { onProvider, provider } from '../../helpers/managed.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

ruleTester('capacity-provider-kms-cmk-missing', {
  valid: [
    record(), // not on a capacity provider
    record({ configuration: onProvider('cp'), capacityProvider: provider('cp', { KmsKeyArn: KEY }) }),
  ],
  invalid: [
    {
      record: record({ configuration: onProvider('cp'), capacityProvider: provider('cp') }),
      messageIncludes: ['capacity-provider:cp'],
    },
  ],
  notJudged: [
    {
      record: record({
        configuration: onProvider('cp'),
        unknown: [{ path: 'capacityProvider', reason: 'failed', detail: 'ServiceException' }],
      }),
      path: 'capacityProvider',
    },
    {
      record: record({
        configuration: onProvider('cp'),
        unknown: [{ path: 'capacityProvider', reason: 'skipped', detail: '--no-capacity-providers' }],
      }),
      path: 'capacityProvider',
    },
  ],
});
