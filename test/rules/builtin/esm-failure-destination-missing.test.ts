import { record, ruleTester } from '../../helpers/rule-tester.js';
import { FN, dynamo, kafka, kinesis, msk, onFailure, sqs, unknownMappings, withMappings } from '../../helpers/esm.js';

ruleTester('esm-failure-destination-missing', {
  valid: [
    withMappings(),
    withMappings(kinesis(onFailure), dynamo(onFailure)),
    withMappings(sqs()), // SQS: the queue's redrive policy decides, not judged here
    withMappings({ ...kafka(['BASIC_AUTH']), ...onFailure }, msk(onFailure)),
    // A version's record holds no mappings: judged on the function's own record.
    { ...withMappings(kinesis()), qualifier: '3', source: 'ListVersionsByFunction' as const },
  ],
  invalid: [
    { record: withMappings(kinesis(), sqs()), messageIncludes: ['aaaa-kinesis', 'stream/clicks'], vars: { count: 1 } },
    { record: withMappings(dynamo(), kinesis(onFailure)), messageIncludes: ['bbbb-dynamo', 'table/orders'] },
    { record: withMappings(kafka(['BASIC_AUTH'])), messageIncludes: ['dddd-kafka', 'kafka://b1.example.com:9092'] },
    { record: withMappings(msk()), messageIncludes: ['eeee-msk', 'cluster/shared'] },
  ],
  notJudged: [
    { record: unknownMappings('denied'), path: 'eventSourceMappings' },
    { record: unknownMappings('skipped'), path: 'eventSourceMappings' },
    // An input file or older snapshot without them: not read.
    { record: record(), path: 'eventSourceMappings' },
    {
      // IaC: a source ARN known only at deploy, the only mapping.
      record: record({
        source: 'template',
        eventSourceMappings: [{ UUID: 'M', FunctionArn: FN }],
        unknown: [{ path: 'eventSourceMappings.EventSourceArn', reason: 'plan-time', detail: '!ImportValue x' }],
      }),
      path: 'eventSourceMappings.EventSourceArn',
    },
  ],
});
