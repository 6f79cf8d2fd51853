/**
 * Event source mappings (`eventSourceMappings`: ListEventSourceMappings, or the template's
 * mappings): what a queue, stream or Kafka topic does to the function it invokes. Judged on the
 * function's own record only (a version's or an alias's record holds none: its function's does).
 * A function whose mappings are unknown (denied, failed, `--no-event-sources`, not in the input) is
 * not judged; a mapping whose source, destination or access configuration is only known at deploy
 * time leaves the function not judged unless another mapping already fires.
 */
import type { EventSourceMappingInfo, FunctionRecord } from '../../snapshot/types.js';
import { NotJudged, type Check, type MatchVars, type Verdict } from '../types.js';
import { unknownPartFor } from '../unknown.js';

export type SourceKind = 'kinesis' | 'dynamodb' | 'msk' | 'kafka' | 'sqs' | 'other';

/** The kind of source a mapping reads, from its ARN (self-managed Kafka has none). */
export function sourceKind(m: EventSourceMappingInfo): SourceKind | undefined {
  if (m.SelfManagedEventSource !== undefined) return 'kafka';
  const service = m.EventSourceArn?.split(':')[2];
  if (service === undefined) return undefined;
  if (service === 'kinesis') return 'kinesis';
  if (service === 'dynamodb') return 'dynamodb';
  if (service === 'kafka') return 'msk';
  if (service === 'sqs') return 'sqs';
  return 'other';
}

/** Stream sources: a batch that keeps failing blocks its shard until the record expires, then is dropped. */
const STREAMS: ReadonlySet<SourceKind> = new Set(['kinesis', 'dynamodb', 'msk', 'kafka']);

/** SourceAccessConfigurations types that authenticate the poller to the brokers. */
export const KAFKA_AUTH_TYPES: ReadonlySet<string> = new Set([
  'BASIC_AUTH',
  'SASL_SCRAM_256_AUTH',
  'SASL_SCRAM_512_AUTH',
  'CLIENT_CERTIFICATE_TLS_AUTH',
]);

/** The mapping's source as a message names it: the ARN, or the brokers of a self-managed Kafka cluster. */
export function sourceName(m: EventSourceMappingInfo): string {
  if (m.EventSourceArn !== undefined) return m.EventSourceArn;
  const brokers = m.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS ?? [];
  return brokers.length > 0 ? `kafka://${brokers.join(',')}` : 'an unknown source';
}

/**
 * The function's mappings, `undefined` when the record is not a function's own (nothing to judge),
 * or `NotJudged` when they are unknown.
 */
function mappingsOf(record: FunctionRecord): readonly EventSourceMappingInfo[] | NotJudged | undefined {
  if (record.qualifier !== '$LATEST' || record.source === 'ListVersionsByFunction' || record.source === 'ListAliases')
    return undefined;
  const part = unknownPartFor(record, 'eventSourceMappings', { shapeOnly: true });
  if (part) return new NotJudged(part);
  return record.eventSourceMappings ?? [];
}

/**
 * The verdict of a per-mapping test: `true` fires, `false` passes; `{ unless, then }`: not judged
 * when the field (below `eventSourceMappings`) is unknown on the record, else `then`.
 */
type MappingTest = (m: EventSourceMappingInfo) => boolean | { readonly unless: string; readonly then: boolean };

function judge(record: FunctionRecord, test: MappingTest): Verdict {
  const mappings = mappingsOf(record);
  if (mappings === undefined || mappings instanceof NotJudged) return mappings;
  const firing: EventSourceMappingInfo[] = [];
  let undecided: NotJudged | undefined;
  for (const m of mappings) {
    const t = test(m);
    if (typeof t === 'boolean') {
      if (t) firing.push(m);
      continue;
    }
    const part = unknownPartFor(record, `eventSourceMappings.${t.unless}`);
    if (part) undecided ??= new NotJudged(part);
    else if (t.then) firing.push(m);
  }
  if (firing.length > 0) return varsOf(firing);
  return undecided;
}

function varsOf(firing: readonly EventSourceMappingInfo[]): MatchVars {
  return {
    mappings: firing.map((m) => `${m.UUID} (${sourceName(m)})`).join(', '),
    count: firing.length,
  };
}

export const esmFailureDestinationMissing: Check<Record<string, never>> = {
  meta: {
    id: 'esm-failure-destination-missing',
    description:
      'Stream event source mappings (Kinesis, DynamoDB Streams, MSK, self-managed Kafka) without an on-failure destination.',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
    vars: ['mappings', 'count'],
    reads: [],
  },
  create() {
    return (record) =>
      judge(record, (m) => {
        const kind = sourceKind(m);
        if (kind === undefined) return { unless: 'EventSourceArn', then: false };
        if (!STREAMS.has(kind)) return false; // SQS: the queue's redrive policy, which is not read
        if (m.DestinationConfig?.OnFailure?.Destination !== undefined) return false;
        return { unless: 'DestinationConfig', then: true };
      });
  },
};

export const esmKafkaUnauthenticated: Check<Record<string, never>> = {
  meta: {
    id: 'esm-kafka-unauthenticated',
    description: 'Self-managed Kafka event sources with no authentication in SourceAccessConfigurations.',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
    vars: ['mappings', 'count'],
    reads: [],
  },
  create() {
    return (record) =>
      judge(record, (m) => {
        if (m.SelfManagedEventSource === undefined) return false;
        if ((m.SourceAccessConfigurations ?? []).some((c) => c.Type !== undefined && KAFKA_AUTH_TYPES.has(c.Type)))
          return false;
        return { unless: 'SourceAccessConfigurations', then: true };
      });
  },
};

export interface EsmCrossAccountOptions {
  /** Account ids whose queues, streams, tables and clusters may feed the fleet's functions. */
  readonly allowedAccounts: readonly string[];
}

export const esmCrossAccountSource: Check<EsmCrossAccountOptions> = {
  meta: {
    id: 'esm-cross-account-source',
    description: 'Event sources (queue, stream, table, MSK cluster) in another account that is not on an allow list.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { allowedAccounts: { type: 'array', items: { type: 'string', pattern: '^\\d{12}$' } } },
    },
    defaults: { allowedAccounts: [] },
    vars: ['mappings', 'count', 'accounts'],
    reads: [],
  },
  create(options) {
    const allowed = new Set(options.allowedAccounts);
    return (record) => {
      const verdict = judge(record, (m) => {
        if (m.SelfManagedEventSource !== undefined) return false; // no ARN, no account
        const account = m.EventSourceArn?.split(':')[4];
        if (account === undefined) return { unless: 'EventSourceArn', then: false };
        return account !== '' && account !== record.account && !allowed.has(account);
      });
      if (verdict === undefined || verdict instanceof NotJudged) return verdict;
      const ownAccount = unknownPartFor(record, 'account');
      if (ownAccount) return new NotJudged(ownAccount);
      const accounts = new Set(
        (record.eventSourceMappings ?? [])
          .map((m) => m.EventSourceArn?.split(':')[4])
          .filter((a): a is string => a !== undefined && a !== '' && a !== record.account && !allowed.has(a)),
      );
      return { ...(verdict as MatchVars), accounts: [...accounts].sort().join(', ') };
    };
  },
};
