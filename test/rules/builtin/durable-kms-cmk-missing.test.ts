import { record, ruleTester } from '../../helpers/rule-tester.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

ruleTester('durable-kms-cmk-missing', {
  valid: [
    record(), // not a durable function
    record({ configuration: { DurableConfig: { KMSKeyArn: KEY, ExecutionTimeout: 900 } } }),
  ],
  invalid: [
    { record: record({ configuration: { DurableConfig: { ExecutionTimeout: 900, RetentionPeriodInDays: 14 } } }) },
    { record: record({ configuration: { DurableConfig: { KMSKeyArn: '', RetentionPeriodInDays: 14 } } }) },
  ],
  notJudged: [
    {
      record: record({
        source: 'template',
        configuration: { DurableConfig: { ExecutionTimeout: 900 } },
        unknown: [{ path: 'configuration.DurableConfig.KMSKeyArn', reason: 'plan-time', detail: '!Ref Key' }],
      }),
      path: 'configuration.DurableConfig.KMSKeyArn',
    },
  ],
});
