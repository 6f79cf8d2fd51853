/**
 * Unknown parts of a record (not read, or not known before deploy) and whether a rule's verdict
 * touches them. A rule that reads a path overlapping an unknown part is "not judged" on that record
 * instead of firing (or passing) on a value nobody saw.
 */
import type { FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { splitPath } from './paths.js';

/**
 * Parts read by separate calls: a record that lacks one of them and says nothing about it (an old
 * snapshot, an input file) has not had it read. Saying "no policy" there would be a guess.
 */
const SEPARATELY_READ = ['policy', 'functionUrl', 'eventInvokeConfig'] as const;

/** `configuration.Layers[*].Arn` -> `configuration.Layers.Arn`: unknown parts never index into lists. */
export function normalisePath(path: string): string {
  return splitPath(path)
    .filter((s) => s !== '[*]')
    .join('.');
}

function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  // `configuration.VpcConfig.SubnetIds[*]`: the list's items are unknown, not how many there are.
  return long.startsWith(short) && (long[short.length] === '.' || long.slice(short.length) === '[*]');
}

/**
 * The unknown part that `path` (normalised) depends on, if any: one at, above or below it.
 * Fast when the record has no unknown parts, which is every record of a complete crawl.
 */
export function unknownPartFor(
  record: FunctionRecord,
  path: string,
  options: { readonly shapeOnly?: boolean } = {},
): UnknownPart | undefined {
  const parts = record.unknown;
  if (parts !== undefined) {
    for (const part of parts) {
      if (!overlaps(part.path, path)) continue;
      // With `shapeOnly`, parts below `path` (one environment variable's value) are left out: the
      // caller asks whether anything at or above `path` is unknown.
      if (options.shapeOnly === true && part.path.length > path.length) continue;
      return part;
    }
  }
  for (const key of SEPARATELY_READ) {
    if (record[key] === undefined && overlaps(key, path)) return { path: key, reason: 'skipped', detail: 'not read' };
  }
  if (overlaps('capacityProvider', path) && unreadCapacityProvider(record))
    return OFFLINE_SOURCES.has(record.source)
      ? { path: 'capacityProvider', reason: 'not-in-input', detail: 'the capacity provider is not in the input' }
      : { path: 'capacityProvider', reason: 'skipped', detail: 'not read' };
  // The log group is read apart (DescribeLogGroups): absent without a reason is not "no group" (`null`).
  if (record.logGroup === undefined && overlaps('logGroup', path))
    return OFFLINE_SOURCES.has(record.source)
      ? { path: 'logGroup', reason: 'not-in-input', detail: 'the log group is not in the input' }
      : { path: 'logGroup', reason: 'skipped', detail: 'not read' };
  if (overlaps('eventSourceMappings', path) && unreadEventSourceMappings(record))
    return OFFLINE_SOURCES.has(record.source)
      ? {
          path: 'eventSourceMappings',
          reason: 'not-in-input',
          detail: 'the event source mappings are not in the input',
        }
      : { path: 'eventSourceMappings', reason: 'skipped', detail: 'not read' };
  // Code signing absent on a Zip function: not read (an older snapshot, an input file). On an image
  // function it is nothing to read: image functions cannot use code signing.
  if (overlaps('codeSigning', path) && record.codeSigning === undefined && record.configuration.PackageType !== 'Image')
    return OFFLINE_SOURCES.has(record.source)
      ? { path: 'codeSigning', reason: 'not-in-input', detail: 'code signing is not in the input' }
      : { path: 'codeSigning', reason: 'skipped', detail: 'not read' };
  return undefined;
}

/**
 * A function's own record without `eventSourceMappings` and without an unknown part for them (an
 * input file, an older snapshot): nobody listed them. Version and alias records never hold them.
 */
function unreadEventSourceMappings(record: FunctionRecord): boolean {
  return (
    record.eventSourceMappings === undefined &&
    record.qualifier === '$LATEST' &&
    record.source !== 'ListVersionsByFunction' &&
    record.source !== 'ListAliases'
  );
}

const OFFLINE_SOURCES = new Set<FunctionRecord['source']>(['input', 'template', 'plan']);

/**
 * A function on a capacity provider whose provider the record does not hold (offline input, an
 * older snapshot): what the provider says is unknown. Absent on any other function means "none".
 */
function unreadCapacityProvider(record: FunctionRecord): boolean {
  return (
    record.capacityProvider === undefined &&
    record.configuration.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig !== undefined
  );
}

/** Whether the record has any unknown part at all (including separately read parts, and the log group, that are absent). */
export function hasUnknownParts(record: FunctionRecord): boolean {
  return (
    (record.unknown?.length ?? 0) > 0 ||
    SEPARATELY_READ.some((key) => record[key] === undefined) ||
    record.logGroup === undefined
  );
}
