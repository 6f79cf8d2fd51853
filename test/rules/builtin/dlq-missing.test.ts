import { record, ruleTester } from '../../helpers/rule-tester.js';
import { unread } from './unread.js';

const dlq = { DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:111122223333:dlq' } };
const onFailure = (Destination: string) => ({ DestinationConfig: { OnFailure: { Destination } } });

ruleTester('dlq-missing', {
  valid: [
    record({ configuration: dlq }),
    // An on-failure destination of any supported kind.
    record({ eventInvokeConfig: onFailure('arn:aws:sqs:us-east-1:111122223333:failures') }),
    record({ eventInvokeConfig: onFailure('arn:aws:sns:us-east-1:111122223333:failures') }),
    record({ eventInvokeConfig: onFailure('arn:aws:lambda:us-east-1:111122223333:function:on-failure') }),
    record({ eventInvokeConfig: onFailure('arn:aws:events:us-east-1:111122223333:event-bus/default') }),
    record({ eventInvokeConfig: onFailure('arn:aws:s3:::failed-invocations') }),
    // A DLQ decides it even when the invoke config could not be read.
    unread(record({ configuration: dlq }), ['eventInvokeConfig'], 'denied'),
    unread(record({ configuration: dlq }), ['eventInvokeConfig']),
  ],
  invalid: [
    { record: record(), messageIncludes: ['neither a dead-letter queue nor an on-failure destination'] },
    { record: record({ configuration: { DeadLetterConfig: {} } }) },
    // Retries and an on-success destination are not failure handling.
    {
      record: record({
        eventInvokeConfig: {
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:us-east-1:111122223333:ok' } },
        },
      }),
    },
  ],
  notJudged: [
    { record: unread(record(), ['eventInvokeConfig'], 'denied'), path: 'eventInvokeConfig' },
    { record: unread(record(), ['eventInvokeConfig']), path: 'eventInvokeConfig' },
  ],
});
