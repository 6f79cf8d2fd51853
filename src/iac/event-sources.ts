/**
 * Event source mappings before deploy: CloudFormation `AWS::Lambda::EventSourceMapping` (SAM
 * `Events` of types Kinesis, DynamoDB, MSK, SelfManagedKafka and SQS expand to it, sam.ts) and
 * Terraform `aws_lambda_event_source_mapping` (converted to the same property names), read like
 * ListEventSourceMappings' answer (src/crawl/event-sources.ts) so the same rules judge them.
 *
 * Values known only at deploy time (`PlanTime`): a source ARN of a resource in the same stack or
 * plan gets a stand-in ARN in the stack's own account (its service from the resource type); any
 * other unknown source ARN is an unknown part `eventSourceMappings.EventSourceArn` (the rules that
 * need it are not judged); an unknown destination is still a destination (its expression is kept);
 * an unknown access configuration type is `eventSourceMappings.SourceAccessConfigurations`.
 */
import type { EventSourceMappingInfo, UnknownPart } from '../snapshot/types.js';
import { PlanTime } from './intrinsics.js';
import { isObject } from './sam.js';

/** CloudFormation's property names, values resolved (possibly `PlanTime`). */
export function plannedMapping(
  id: string,
  props: Record<string, unknown>,
  functionArn: string,
  qualifier: string | undefined,
  unknown: UnknownPart[],
  inStackSource?: string,
): EventSourceMappingInfo {
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : v instanceof PlanTime ? v.detail : undefined;
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) ? v.map(text).filter((s): s is string => s !== undefined) : undefined;

  let source: string | undefined;
  if (typeof props.EventSourceArn === 'string') source = props.EventSourceArn;
  else if (inStackSource !== undefined) source = inStackSource;
  else if (props.EventSourceArn instanceof PlanTime)
    unknown.push({
      path: 'eventSourceMappings.EventSourceArn',
      reason: 'plan-time',
      detail: props.EventSourceArn.detail,
    });

  const destination = text(
    isObject(props.DestinationConfig) && isObject(props.DestinationConfig.OnFailure)
      ? props.DestinationConfig.OnFailure.Destination
      : undefined,
  );
  const smes = isObject(props.SelfManagedEventSource) ? props.SelfManagedEventSource : undefined;
  const endpoints = smes && isObject(smes.Endpoints) ? smes.Endpoints : undefined;
  const access = Array.isArray(props.SourceAccessConfigurations)
    ? props.SourceAccessConfigurations.filter(isObject).map((c) => {
        if (c.Type instanceof PlanTime)
          unknown.push({
            path: 'eventSourceMappings.SourceAccessConfigurations',
            reason: 'plan-time',
            detail: c.Type.detail,
          });
        const type = typeof c.Type === 'string' ? c.Type : undefined;
        const uri = text(c.URI);
        return { ...(type === undefined ? {} : { Type: type }), ...(uri === undefined ? {} : { URI: uri }) };
      })
    : props.SourceAccessConfigurations instanceof PlanTime
      ? (unknown.push({
          path: 'eventSourceMappings.SourceAccessConfigurations',
          reason: 'plan-time',
          detail: props.SourceAccessConfigurations.detail,
        }),
        undefined)
      : undefined;
  const filters =
    isObject(props.FilterCriteria) && Array.isArray(props.FilterCriteria.Filters)
      ? props.FilterCriteria.Filters.filter(isObject).map((f) => {
          const pattern =
            typeof f.Pattern === 'string'
              ? f.Pattern
              : isObject(f.Pattern)
                ? JSON.stringify(f.Pattern)
                : text(f.Pattern);
          return pattern === undefined ? {} : { Pattern: pattern };
        })
      : undefined;
  const group = (v: unknown): { ConsumerGroupId: string } | undefined => {
    const id = isObject(v) ? text(v.ConsumerGroupId) : undefined;
    return id === undefined ? undefined : { ConsumerGroupId: id };
  };
  const msk = group(props.AmazonManagedKafkaEventSourceConfig);
  const kafka = group(props.SelfManagedKafkaEventSourceConfig);
  const fields: Record<string, unknown> = {
    UUID: id,
    EventSourceArn: source,
    FunctionArn: qualifier === undefined ? functionArn : `${functionArn}:${qualifier}`,
    Qualifier: qualifier,
    State: props.Enabled === false || props.Enabled === 'false' ? 'Disabled' : 'Enabled',
    BatchSize: num(props.BatchSize),
    StartingPosition: text(props.StartingPosition),
    DestinationConfig: destination === undefined ? undefined : { OnFailure: { Destination: destination } },
    SelfManagedEventSource:
      endpoints === undefined
        ? undefined
        : { Endpoints: Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, strings(v) ?? []])) },
    SourceAccessConfigurations: access,
    Topics: strings(props.Topics),
    Queues: strings(props.Queues),
    FilterCriteria: filters === undefined ? undefined : { Filters: filters },
    MaximumRetryAttempts: num(props.MaximumRetryAttempts),
    BisectBatchOnFunctionError:
      typeof props.BisectBatchOnFunctionError === 'boolean' ? props.BisectBatchOnFunctionError : undefined,
    MaximumRecordAgeInSeconds: num(props.MaximumRecordAgeInSeconds),
    KMSKeyArn: text(props.KmsKeyArn),
    AmazonManagedKafkaEventSourceConfig: msk,
    SelfManagedKafkaEventSourceConfig: kafka,
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as unknown as EventSourceMappingInfo;
}

/** The ARN service of a source resource type (CloudFormation or Terraform), when it can be a mapping's source. */
const SOURCE_SERVICES: Readonly<Record<string, string>> = {
  'AWS::Kinesis::Stream': 'kinesis',
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::DynamoDB::GlobalTable': 'dynamodb',
  'AWS::SQS::Queue': 'sqs',
  'AWS::MSK::Cluster': 'kafka',
  'AWS::MSK::ServerlessCluster': 'kafka',
  'AWS::AmazonMQ::Broker': 'mq',
  aws_kinesis_stream: 'kinesis',
  aws_dynamodb_table: 'dynamodb',
  aws_sqs_queue: 'sqs',
  aws_msk_cluster: 'kafka',
  aws_msk_serverless_cluster: 'kafka',
  aws_mq_broker: 'mq',
};

/**
 * A stand-in ARN for a source the stack or plan creates: in its own account (what the
 * cross-account rule asks), of the right service (what the destination rule asks), with the
 * resource's id or address as its resource part (a DynamoDB table's stream under `/stream/`).
 */
export function inStackSourceArn(type: string, id: string, region: string, account: string): string | undefined {
  const service = SOURCE_SERVICES[type];
  if (service === undefined) return undefined;
  if (service === 'dynamodb') return `arn:aws:dynamodb:${region}:${account}:table/${id}/stream/planned`;
  if (service === 'kinesis') return `arn:aws:kinesis:${region}:${account}:stream/${id}`;
  if (service === 'kafka') return `arn:aws:kafka:${region}:${account}:cluster/${id}/planned`;
  return `arn:aws:${service}:${region}:${account}:${id}`;
}
