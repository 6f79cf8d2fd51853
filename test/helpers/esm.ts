// Event source mappings for the esm-* rule tests (test/rules/builtin/esm-*.test.ts).
import type { EventSourceMappingInfo } from '../../src/snapshot/types.js';
import { record } from './rule-tester.js';

export const FN = 'arn:aws:lambda:us-east-1:111122223333:function:fn';
export const DLQ = 'arn:aws:sqs:us-east-1:111122223333:esm-dlq';
export const kinesis = (over: Partial<EventSourceMappingInfo> = {}): EventSourceMappingInfo => ({
  UUID: 'aaaa-kinesis',
  EventSourceArn: 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks',
  FunctionArn: FN,
  StartingPosition: 'LATEST',
  ...over,
});
export const dynamo = (over: Partial<EventSourceMappingInfo> = {}): EventSourceMappingInfo => ({
  UUID: 'bbbb-dynamo',
  EventSourceArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2026-11-01T00:00:00.000',
  FunctionArn: FN,
  ...over,
});
export const sqs = (account = '111122223333'): EventSourceMappingInfo => ({
  UUID: 'cccc-sqs',
  EventSourceArn: `arn:aws:sqs:us-east-1:${account}:jobs`,
  FunctionArn: FN,
});
export const kafka = (types: readonly string[]): EventSourceMappingInfo => ({
  UUID: 'dddd-kafka',
  FunctionArn: `${FN}:live`,
  Qualifier: 'live',
  SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b1.example.com:9092'] } },
  SourceAccessConfigurations: types.map((Type) => ({ Type, URI: `uri-${Type}` })),
  Topics: ['events'],
});
export const msk = (over: Partial<EventSourceMappingInfo> = {}): EventSourceMappingInfo => ({
  UUID: 'eeee-msk',
  EventSourceArn: 'arn:aws:kafka:us-east-1:444455556666:cluster/shared/abcd-1',
  FunctionArn: FN,
  Topics: ['t'],
  ...over,
});
export const withMappings = (...m: EventSourceMappingInfo[]) => record({ eventSourceMappings: m });
export const unknownMappings = (reason: 'denied' | 'failed' | 'skipped') =>
  record({ unknown: [{ path: 'eventSourceMappings', reason, detail: 'x' }] });
export const onFailure = { DestinationConfig: { OnFailure: { Destination: DLQ } } };
