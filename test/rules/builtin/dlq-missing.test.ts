import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('dlq-missing', {
  valid: [record({ configuration: { DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:111122223333:dlq' } } })],
  invalid: [{ record: record() }, { record: record({ configuration: { DeadLetterConfig: {} } }) }],
});
