/**
 * Event source mappings in the demo fleet, served by ListEventSourceMappings
 * (`GET /2015-03-31/event-source-mappings/`) in Lambda's JSON (timestamps in epoch seconds).
 * Planted after every other draw, from the function order alone, so the rest of the fleet is as it
 * was. Per region, each case on a function of its own, with the rules that should fire:
 * - a Kinesis stream without an on-failure destination (`esm-failure-destination-missing`);
 * - a DynamoDB stream with one, on an alias (a qualified FunctionArn): nothing fires;
 * - an SQS queue of the account without one: nothing fires (SQS is not judged for it);
 * - a self-managed Kafka cluster with VPC access only, with a destination
 *   (`esm-kafka-unauthenticated`), and one with SASL/SCRAM and none (`esm-failure-destination-missing`);
 * - an SQS queue of another account (`esm-cross-account-source`);
 * - an MSK cluster of another account without a destination (both of those rules).
 */
import { createHash } from 'node:crypto';
import type { Fleet, SimFunction } from './fleet.js';

export const ESM_RULES = [
  'esm-cross-account-source',
  'esm-failure-destination-missing',
  'esm-kafka-unauthenticated',
] as const;
export type EsmRuleId = (typeof ESM_RULES)[number];

/** A mapping as ListEventSourceMappings returns it (JSON, `LastModified` in epoch seconds). */
export type SimMapping = Record<string, unknown> & { UUID: string; FunctionArn: string };

export interface SimEventSources {
  mappings: SimMapping[];
  /** The rules of `ESM_RULES` that should fire on this function, sorted. */
  expected: EsmRuleId[];
}

/** The account the demo's foreign sources live in. */
export const FOREIGN_SOURCE_ACCOUNT = '210987654321';

/** Every mapping of one account-region, in a stable order (by UUID, as Lambda lists them). */
export function eventSourceMappingsOf(functions: Iterable<SimFunction>): SimMapping[] {
  const out: SimMapping[] = [];
  for (const fn of functions) out.push(...(fn.eventSources?.mappings ?? []));
  return out.sort((a, b) => (a.UUID < b.UUID ? -1 : a.UUID > b.UUID ? 1 : 0));
}

function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Case {
  readonly name: string;
  readonly expected: EsmRuleId[];
  readonly qualified?: boolean;
  readonly mapping: (account: string, region: string) => Record<string, unknown>;
}

const stream = { StartingPosition: 'LATEST', BatchSize: 100, ParallelizationFactor: 1, TumblingWindowInSeconds: 0 };
const retries = { MaximumRecordAgeInSeconds: -1, BisectBatchOnFunctionError: false, MaximumRetryAttempts: -1 };
const dlq = (account: string, region: string) => ({
  DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${region}:${account}:esm-failures` } },
});
const brokers = {
  SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka1.example.internal:9092'] } },
};
const vpcAccess = [
  { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0e5a0000000000001' },
  { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0e5a0000000000001' },
];

const CASES: readonly Case[] = [
  {
    name: 'kinesis-no-destination',
    expected: ['esm-failure-destination-missing'],
    mapping: (a, r) => ({ ...stream, ...retries, EventSourceArn: `arn:aws:kinesis:${r}:${a}:stream/clickstream` }),
  },
  {
    name: 'dynamodb-with-destination',
    expected: [],
    qualified: true,
    mapping: (a, r) => ({
      ...stream,
      ...retries,
      MaximumRetryAttempts: 3,
      ...dlq(a, r),
      EventSourceArn: `arn:aws:dynamodb:${r}:${a}:table/orders/stream/2026-11-01T00:00:00.000`,
    }),
  },
  {
    name: 'sqs',
    expected: [],
    mapping: (a, r) => ({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      EventSourceArn: `arn:aws:sqs:${r}:${a}:jobs`,
    }),
  },
  {
    name: 'kafka-unauthenticated',
    expected: ['esm-kafka-unauthenticated'],
    mapping: (a, r) => ({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ...brokers,
      SourceAccessConfigurations: vpcAccess,
      Topics: ['payments'],
      DestinationConfig: { OnFailure: { Destination: `arn:aws:s3:::esm-failures-${a}-${r}` } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'audit-demo' },
    }),
  },
  {
    name: 'kafka-scram-no-destination',
    expected: ['esm-failure-destination-missing'],
    mapping: (a, r) => ({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ...brokers,
      SourceAccessConfigurations: [
        ...vpcAccess,
        { Type: 'SASL_SCRAM_512_AUTH', URI: `arn:aws:secretsmanager:${r}:${a}:secret:AmazonMSK_kafka-AbCdEf` },
      ],
      Topics: ['orders'],
    }),
  },
  {
    name: 'sqs-cross-account',
    expected: ['esm-cross-account-source'],
    mapping: (_a, r) => ({ BatchSize: 10, EventSourceArn: `arn:aws:sqs:${r}:${FOREIGN_SOURCE_ACCOUNT}:partner-feed` }),
  },
  {
    name: 'msk-cross-account',
    expected: ['esm-cross-account-source', 'esm-failure-destination-missing'],
    mapping: (_a, r) => ({
      StartingPosition: 'LATEST',
      BatchSize: 100,
      EventSourceArn: `arn:aws:kafka:${r}:${FOREIGN_SOURCE_ACCOUNT}:cluster/shared-events/0e5a0000-0000-4000-8000-000000000001-2`,
      Topics: ['shared'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'audit-demo' },
    }),
  },
];

/** Gives one function per case (per region) its mapping and expected findings. */
export function plantEventSources(fleet: Fleet, account: string): void {
  for (const [region, functions] of fleet) {
    const all = [...functions.values()].sort((a, b) =>
      (a.configuration.FunctionName ?? '') < (b.configuration.FunctionName ?? '') ? -1 : 1,
    );
    if (all.length < 40) continue; // too few functions to pick from
    CASES.forEach((c, i) => {
      const fn = all[i * 5 + 3];
      if (fn === undefined) return;
      const arn = fn.configuration.FunctionArn ?? '';
      const alias = c.qualified ? fn.aliases[0]?.Name : undefined;
      const functionArn = alias === undefined ? arn : `${arn}:${alias}`;
      const id = uuid(`${region}/${c.name}/${arn}`);
      fn.eventSources = {
        mappings: [
          {
            UUID: id,
            ...c.mapping(account, region),
            FunctionArn: functionArn,
            LastModified: 1_795_000_000 + i,
            LastProcessingResult: 'No records processed',
            State: 'Enabled',
            StateTransitionReason: 'User action',
            EventSourceMappingArn: `arn:aws:lambda:${region}:${account}:event-source-mapping:${id}`,
          },
        ],
        expected: [...c.expected].sort(),
      };
    });
  }
}
