/**
 * Availability Zones of VPC functions' subnets, with EC2 DescribeSubnets (read-only), while the
 * functions are fetched. Lambda's VpcConfig names subnets, not zones: two subnets can share one
 * zone, and `vpc-single-az` needs the zones. A function on a capacity provider (Lambda Managed
 * Instances) has the provider's subnets looked up instead.
 *
 * - Batched: up to 200 subnet ids per call, as one `subnet-id` filter (a filter, not `SubnetIds`:
 *   a deleted subnet named by a function must not fail the whole batch with InvalidSubnetID.NotFound).
 * - Cached per account and region, and started from the listing: see ec2-lookup.ts.
 * - Its own quota lane: EC2 throttles each API per account and region with a token bucket; for
 *   non-mutating actions such as DescribeSubnets AWS documents a bucket of 100 refilled at 20 per
 *   second, so the lane paces at 20/s (capped by `--max-rps`), leaving Lambda's lanes untouched.
 * - Not fatal: when a call is refused (UnauthorizedOperation: no ec2:DescribeSubnets) or fails after
 *   retries, no further call is made in that account-region, and every VPC function there gets an
 *   unknown `subnetAvailabilityZones` part (reason `denied` or `failed`): rules that need the zones
 *   are not judged, the rest of the crawl stands.
 */
import type { DescribeSubnetsCommandOutput } from '@aws-sdk/client-ec2';
import type { FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { IdLookup, type Ec2LookupOptions, type LookupStats } from './ec2-lookup.js';

export { EC2_DESCRIBE_RATE } from './ec2-lookup.js';
/** Subnet ids per DescribeSubnets call. */
export const SUBNET_BATCH = 200;

export type SubnetLookup = IdLookup<string, DescribeSubnetsCommandOutput>;

/** The subnet lookup of a crawl: `prefetch` ids from the listing, then `withSubnetAzs`. */
export function subnetLookup(options: Ec2LookupOptions): SubnetLookup {
  return new IdLookup(options, {
    batch: SUBNET_BATCH,
    part: { path: 'subnetAvailabilityZones', action: 'ec2:DescribeSubnets' },
    // A filter, not `SubnetIds`: a deleted subnet must not fail the whole batch.
    describe: (send, ids, token, signal) =>
      send(
        'DescribeSubnets',
        { Filters: [{ Name: 'subnet-id', Values: [...ids] }], ...(token === undefined ? {} : { NextToken: token }) },
        signal,
      ),
    onPage: (page, zones) => {
      for (const subnet of page.Subnets ?? [])
        if (subnet.SubnetId !== undefined && subnet.AvailabilityZone !== undefined)
          zones.set(subnet.SubnetId, subnet.AvailabilityZone);
      return page.NextToken;
    },
  });
}

export interface SubnetLookupResult extends LookupStats {
  readonly functions: FunctionRecord[];
}

/**
 * Returns the records with `subnetAvailabilityZones` (subnet id -> zone name) on each VPC function
 * whose subnets were looked up, or an unknown part when the lookup was refused or failed.
 */
export async function withSubnetAzs(
  functions: readonly FunctionRecord[],
  lookup: SubnetLookup | Ec2LookupOptions,
): Promise<SubnetLookupResult> {
  const subnets = lookup instanceof IdLookup ? lookup : subnetLookup(lookup);
  const found = await resolveByRegion(functions, subnetsOf, subnets);
  const out = functions.map((f) => {
    const ids = subnetsOf(f);
    const zonesOf = ids.length === 0 ? undefined : found.get(`${f.account}/${f.region}`);
    if (zonesOf === undefined) return f;
    if ('reason' in zonesOf) return { ...f, unknown: [...(f.unknown ?? []), zonesOf] };
    const zones: Record<string, string> = {};
    for (const s of [...ids].sort()) {
      const zone = zonesOf.get(s);
      if (zone !== undefined) zones[s] = zone;
    }
    return { ...f, subnetAvailabilityZones: zones };
  });
  return { functions: out, ...subnets.stats };
}

/** Each account-region's lookup of the ids its records name (`idsOf`), done at once. */
export async function resolveByRegion<T>(
  functions: readonly FunctionRecord[],
  idsOf: (f: FunctionRecord) => readonly string[],
  lookup: { resolve(key: string, ids: Iterable<string>): Promise<ReadonlyMap<string, T> | UnknownPart> },
): Promise<Map<string, ReadonlyMap<string, T> | UnknownPart>> {
  const wanted = new Map<string, Set<string>>();
  for (const f of functions) {
    const ids = idsOf(f);
    if (ids.length === 0) continue;
    const key = `${f.account}/${f.region}`;
    const set = wanted.get(key) ?? new Set<string>();
    for (const id of ids) set.add(id);
    wanted.set(key, set);
  }
  const keys = [...wanted.keys()];
  const found = await Promise.all(keys.map((key) => lookup.resolve(key, wanted.get(key)!)));
  return new Map(keys.map((key, i) => [key, found[i]!]));
}

/** The function's own subnets, or (Lambda Managed Instances) its capacity provider's. */
export function subnetsOf(f: FunctionRecord): readonly string[] {
  if (f.status === 'vanished') return [];
  const own = f.configuration.VpcConfig?.SubnetIds ?? [];
  return own.length > 0 ? own : (f.capacityProvider?.VpcConfig?.SubnetIds ?? []);
}
