/** Synthetic snapshot records: the demo fleet's generator, through the same boundary as a crawl. */
import { recordFromGetFunction } from '../src/crawl/records.js';
import { envHashKey } from '../src/snapshot/redact.js';
import type { FunctionRecord } from '../src/snapshot/types.js';
import { generateFleet } from '../src/simulator/fleet.js';

export function syntheticRecords(count: number, seed = 99): FunctionRecord[] {
  const key = envHashKey(Buffer.from('bench-key-bench-key'));
  const fleet = generateFleet({
    functions: count,
    regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'],
    seed,
  });
  const records: FunctionRecord[] = [];
  for (const [region, functions] of fleet) {
    for (const fn of functions.values()) {
      records.push(
        recordFromGetFunction(
          {
            Configuration: fn.configuration,
            Code: fn.code,
            Tags: fn.tags,
            ...(fn.reservedConcurrency === undefined
              ? {}
              : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }),
          },
          fn.configuration,
          { region, key },
        ),
      );
    }
  }
  // In snapshot order (by ARN), as evaluate() sees them after a crawl.
  return records.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}
