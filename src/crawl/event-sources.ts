/**
 * Event source mappings: what invokes a function from a queue, stream or Kafka topic
 * (ListEventSourceMappings, read-only), attached to the functions they invoke.
 *
 * - Once per region, without FunctionName, in pages of 100: never one call per function.
 * - On the shared 15 rps control-plane lane, behind the listing's pages (which go first); started
 *   as soon as the first page shows a function, so it overlaps the GetFunction/GetPolicy calls.
 * - Stored on each function's own record (`eventSourceMappings`, `[]` when it has none); a mapping
 *   on an alias or version (a qualified FunctionArn) goes to its function with its `Qualifier`.
 * - Not fatal: refused or failed, every function of the region gets an unknown part
 *   `eventSourceMappings` (reason `denied` or `failed`); `--no-event-sources` gives `skipped`. The
 *   rules that need mappings are not judged; the run is not incomplete for it (as for tags).
 */
import type { EventSourceMappingConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import type { EventSourceMappingInfo, FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { withSignal } from './client.js';
import type { QuotaLane } from './lane.js';
import { errorInfo } from './retry.js';
import { loadLambdaSdk } from './sdk.js';

// By require, not import (./sdk.ts).
const { ListEventSourceMappingsCommand } = loadLambdaSdk();

/** Mappings per ListEventSourceMappings page. */
export const EVENT_SOURCE_PAGE = 100;

/** The region's mappings by unqualified function ARN, or why they are unknown. */
export type EventSourceMappings = ReadonlyMap<string, readonly EventSourceMappingInfo[]> | UnknownPart;

export async function readEventSourceMappings(
  client: LambdaClient,
  lane: QuotaLane,
  signal: AbortSignal,
): Promise<EventSourceMappings> {
  const byFunction = new Map<string, EventSourceMappingInfo[]>();
  let marker: string | undefined;
  do {
    const next = marker;
    const res = await lane.call(
      (s) =>
        client.send(
          withSignal(
            new ListEventSourceMappingsCommand({
              MaxItems: EVENT_SOURCE_PAGE,
              ...(next === undefined ? {} : { Marker: next }),
            }),
            s,
          ),
        ),
      signal,
    );
    if (!res.ok) {
      const error = errorInfo(res.error, res.attempts);
      return {
        path: 'eventSourceMappings',
        reason: res.kind === 'denied' ? 'denied' : 'failed',
        detail: `lambda:ListEventSourceMappings ${error.code}`,
      };
    }
    // An answer without a body (a stub, a proxy) lists nothing.
    const page = res.value as Partial<typeof res.value> | undefined;
    for (const m of page?.EventSourceMappings ?? []) {
      const info = mappingInfo(m);
      if (info?.FunctionArn === undefined) continue;
      const key = unqualifiedFunctionArn(info.FunctionArn);
      const list = byFunction.get(key);
      if (list) list.push(info);
      else byFunction.set(key, [info]);
    }
    marker = page?.NextMarker;
  } while (marker);
  return byFunction;
}

/** `arn:aws:lambda:r:a:function:name:live` -> `arn:aws:lambda:r:a:function:name` */
export function unqualifiedFunctionArn(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/** Whether the record is a function's own record (not a published version's or an alias's). */
export function isFunctionRecord(f: FunctionRecord): boolean {
  return f.source !== 'ListVersionsByFunction' && f.source !== 'ListAliases' && f.qualifier === '$LATEST';
}

/**
 * The records with `eventSourceMappings` on each function's own record, or the unknown part that
 * says why not (`skipped` when `mappings` is undefined: not read by choice).
 */
export function withEventSourceMappings(
  functions: readonly FunctionRecord[],
  mappings: EventSourceMappings | undefined,
): FunctionRecord[] {
  return functions.map((f) => {
    if (f.status === 'vanished' || !isFunctionRecord(f)) return f;
    if (mappings === undefined)
      return withUnknown(f, { path: 'eventSourceMappings', reason: 'skipped', detail: '--no-event-sources' });
    if ('reason' in mappings) return withUnknown(f, mappings);
    const own = mappings.get(unqualifiedFunctionArn(f.arn));
    return { ...f, eventSourceMappings: sortMappings(own ?? []) };
  });
}

/** By UUID: the order of a listing says nothing. */
export function sortMappings(list: readonly EventSourceMappingInfo[]): EventSourceMappingInfo[] {
  return [...list].sort((a, b) => (a.UUID < b.UUID ? -1 : a.UUID > b.UUID ? 1 : 0));
}

function withUnknown(f: FunctionRecord, part: UnknownPart): FunctionRecord {
  return { ...f, unknown: [...(f.unknown ?? []), part] };
}

/** What rules and baselines need of a mapping: nothing that changes on its own, no secret. */
export function mappingInfo(m: EventSourceMappingConfiguration): EventSourceMappingInfo | undefined {
  if (m.UUID === undefined) return undefined;
  const qualifier = m.FunctionArn?.split(':')[7];
  const onFailure = m.DestinationConfig?.OnFailure?.Destination;
  const endpoints = m.SelfManagedEventSource?.Endpoints;
  const msk = m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId;
  const kafka = m.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId;
  return {
    UUID: m.UUID,
    ...(m.EventSourceArn === undefined ? {} : { EventSourceArn: m.EventSourceArn }),
    ...(m.FunctionArn === undefined ? {} : { FunctionArn: m.FunctionArn }),
    ...(qualifier === undefined || qualifier === '' ? {} : { Qualifier: qualifier }),
    ...(m.State === undefined ? {} : { State: m.State }),
    ...(m.BatchSize === undefined ? {} : { BatchSize: m.BatchSize }),
    ...(m.StartingPosition === undefined ? {} : { StartingPosition: m.StartingPosition }),
    ...(onFailure === undefined || onFailure === ''
      ? {}
      : { DestinationConfig: { OnFailure: { Destination: onFailure } } }),
    ...(endpoints === undefined
      ? {}
      : {
          SelfManagedEventSource: {
            Endpoints: Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, [...(v ?? [])]])),
          },
        }),
    ...(m.SourceAccessConfigurations === undefined
      ? {}
      : {
          SourceAccessConfigurations: m.SourceAccessConfigurations.map((c) => ({
            ...(c.Type === undefined ? {} : { Type: c.Type }),
            ...(c.URI === undefined ? {} : { URI: c.URI }),
          })),
        }),
    ...(m.Topics === undefined ? {} : { Topics: [...m.Topics] }),
    ...(m.Queues === undefined ? {} : { Queues: [...m.Queues] }),
    ...(m.FilterCriteria?.Filters === undefined
      ? {}
      : {
          FilterCriteria: {
            Filters: m.FilterCriteria.Filters.map((f) => (f.Pattern === undefined ? {} : { Pattern: f.Pattern })),
          },
        }),
    ...(m.MaximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: m.MaximumRetryAttempts }),
    ...(m.BisectBatchOnFunctionError === undefined ? {} : { BisectBatchOnFunctionError: m.BisectBatchOnFunctionError }),
    ...(m.MaximumRecordAgeInSeconds === undefined ? {} : { MaximumRecordAgeInSeconds: m.MaximumRecordAgeInSeconds }),
    ...(m.KMSKeyArn === undefined || m.KMSKeyArn === '' ? {} : { KMSKeyArn: m.KMSKeyArn }),
    ...(msk === undefined ? {} : { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: msk } }),
    ...(kafka === undefined ? {} : { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: kafka } }),
  };
}
