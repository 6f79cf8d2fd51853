import { describe, expect, it } from 'vitest';
import { esmCrossAccountSource } from '../../../src/rules/checks/event-sources.js';
import type { EventSourceMappingInfo } from '../../../src/snapshot/types.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

const FN = 'arn:aws:lambda:us-east-1:111122223333:function:fn';
const DLQ = 'arn:aws:sqs:us-east-1:111122223333:esm-dlq';
const kinesis = (over: Partial<EventSourceMappingInfo> = {}): EventSourceMappingInfo => ({
  UUID: 'aaaa-kinesis',
  EventSourceArn: 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks',
  FunctionArn: FN,
  StartingPosition: 'LATEST',
  ...over,
});
const dynamo = (over: Partial<EventSourceMappingInfo> = {}): EventSourceMappingInfo => ({
  UUID: 'bbbb-dynamo',
  EventSourceArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2026-11-01T00:00:00.000',
  FunctionArn: FN,
  ...over,
});
const sqs = (account = '111122223333'): EventSourceMappingInfo => ({
  UUID: 'cccc-sqs',
  EventSourceArn: `arn:aws:sqs:us-east-1:${account}:jobs`,
  FunctionArn: FN,
});
const kafka = (types: readonly string[]): EventSourceMappingInfo => ({
  UUID: 'dddd-kafka',
  FunctionArn: `${FN}:live`,
  Qualifier: 'live',
  SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b1.example.com:9092'] } },
  SourceAccessConfigurations: types.map((Type) => ({ Type, URI: `uri-${Type}` })),
  Topics: ['events'],
});
const msk = (over: Partial<EventSourceMappingInfo> = {}): EventSourceMappingInfo => ({
  UUID: 'eeee-msk',
  EventSourceArn: 'arn:aws:kafka:us-east-1:444455556666:cluster/shared/abcd-1',
  FunctionArn: FN,
  Topics: ['t'],
  ...over,
});
const withMappings = (...m: EventSourceMappingInfo[]) => record({ eventSourceMappings: m });
const unknownMappings = (reason: 'denied' | 'failed' | 'skipped') =>
  record({ unknown: [{ path: 'eventSourceMappings', reason, detail: 'x' }] });
const onFailure = { DestinationConfig: { OnFailure: { Destination: DLQ } } };

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

ruleTester('esm-kafka-unauthenticated', {
  valid: [
    withMappings(),
    withMappings(kinesis(), sqs()),
    withMappings(kafka(['SASL_SCRAM_512_AUTH', 'VPC_SUBNET'])),
    withMappings(kafka(['CLIENT_CERTIFICATE_TLS_AUTH'])),
    withMappings(msk()), // MSK: IAM or the cluster's own auth, not this rule
  ],
  invalid: [
    { record: withMappings(kafka([])), messageIncludes: ['dddd-kafka', 'b1.example.com'] },
    {
      record: withMappings(kafka(['VPC_SUBNET', 'VPC_SECURITY_GROUP', 'SERVER_ROOT_CA_CERTIFICATE'])),
      messageIncludes: ['dddd-kafka'],
    },
  ],
  notJudged: [{ record: unknownMappings('failed'), path: 'eventSourceMappings' }],
});

ruleTester('esm-cross-account-source', {
  valid: [
    withMappings(),
    withMappings(kinesis(), dynamo(), sqs()),
    withMappings(kafka([])), // no ARN: not judged by this rule, and passes
  ],
  invalid: [
    {
      record: withMappings(sqs('999988887777'), kinesis()),
      messageIncludes: ['999988887777', 'cccc-sqs', 'arn:aws:sqs:us-east-1:999988887777:jobs'],
      vars: { accounts: '999988887777', count: 1 },
    },
    { record: withMappings(msk()), messageIncludes: ['444455556666', 'eeee-msk'] },
  ],
  notJudged: [{ record: unknownMappings('denied'), path: 'eventSourceMappings' }],
});

describe('esm-cross-account-source allowedAccounts', () => {
  it('an allowed account passes, another still fires', () => {
    const env = { asOf: new Date(), lifecycle: new Map() };
    const test = esmCrossAccountSource.create({ allowedAccounts: ['999988887777'] }, env);
    const fleet = undefined as never;
    expect(test(withMappings(sqs('999988887777')), fleet)).toBeUndefined();
    expect(test(withMappings(sqs('999988887777'), msk()), fleet)).toMatchObject({ accounts: '444455556666', count: 1 });
  });
});
