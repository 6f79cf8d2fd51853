import type { FunctionRecord, UnknownPart } from '../../../src/snapshot/types.js';

type SeparatelyRead = 'policy' | 'functionUrl' | 'eventInvokeConfig';

/** The record with these separately read parts absent (not read), and why, when a reason is given. */
export function unread(
  record: FunctionRecord,
  keys: readonly SeparatelyRead[],
  reason?: UnknownPart['reason'],
): FunctionRecord {
  const copy: { -readonly [K in keyof FunctionRecord]: FunctionRecord[K] } = { ...record };
  for (const key of keys) delete copy[key];
  if (reason !== undefined) copy.unknown = [...(record.unknown ?? []), ...keys.map((path) => ({ path, reason }))];
  return copy;
}
