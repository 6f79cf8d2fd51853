/**
 * Availability Zones of VPC functions' subnets, with EC2 DescribeSubnets (read-only), after the
 * functions are fetched. Lambda's VpcConfig names subnets, not zones: two subnets can share one
 * zone, and `vpc-single-az` needs the zones. A function on a capacity provider (Lambda Managed
 * Instances) has the provider's subnets looked up instead.
 *
 * - Batched: up to 200 subnet ids per call, as one `subnet-id` filter (a filter, not `SubnetIds`:
 *   a deleted subnet named by a function must not fail the whole batch with InvalidSubnetID.NotFound).
 * - Cached per account and region: each subnet is asked for once, however many functions use it.
 * - Its own quota lane: EC2 throttles each API per account and region with a token bucket; for
 *   non-mutating actions such as DescribeSubnets AWS documents a bucket of 100 refilled at 20 per
 *   second, so the lane paces at 20/s (capped by `--max-rps`), leaving Lambda's lanes untouched.
 * - Not fatal: when a call is refused (UnauthorizedOperation: no ec2:DescribeSubnets) or fails after
 *   retries, no further call is made in that account-region, and every VPC function there gets an
 *   unknown `subnetAvailabilityZones` part (reason `denied` or `failed`): rules that need the zones
 *   are not judged, the rest of the crawl stands.
 */
import type { DescribeSubnetsCommandOutput, EC2Client } from '@aws-sdk/client-ec2';
import type { FunctionRecord, UnknownPart } from '../snapshot/types.js';
import { loadEc2Sdk } from './sdk.js';
import { withSignal } from './client.js';
import { QuotaLane, type LaneOptions } from './lane.js';
import { errorInfo } from './retry.js';

/** DescribeSubnets requests per second per account and region (EC2's documented refill rate for non-mutating actions). */
export const EC2_DESCRIBE_RATE = 20;
/** Subnet ids per DescribeSubnets call. */
export const SUBNET_BATCH = 200;

export interface SubnetLookupOptions extends Omit<LaneOptions, 'ratePerSecond' | 'concurrency'> {
  /** Builds the client; called only when some function has subnets. */
  readonly client: () => Promise<EC2Client>;
  readonly signal: AbortSignal;
  /** Caps the lane's rate (`--max-rps`). */
  readonly maxRps?: number;
  /** @default EC2_DESCRIBE_RATE */
  readonly ratePerSecond?: number;
}

export interface SubnetLookupResult {
  readonly functions: FunctionRecord[];
  readonly requests: number;
  readonly throttled: number;
  readonly retries: number;
}

/**
 * Returns the records with `subnetAvailabilityZones` (subnet id -> zone name) on each VPC function
 * whose subnets were looked up, or an unknown part when the lookup was refused or failed.
 */
export async function withSubnetAzs(
  functions: readonly FunctionRecord[],
  options: SubnetLookupOptions,
): Promise<SubnetLookupResult> {
  const lane = new QuotaLane({
    ...options,
    ratePerSecond: Math.min(options.ratePerSecond ?? EC2_DESCRIBE_RATE, options.maxRps ?? Infinity),
    concurrency: 4,
  });
  // account/region -> subnet id -> zone, or the reason the zones of that account-region are unknown.
  const cache = new Map<string, Map<string, string> | UnknownPart>();
  const groups = new Map<string, Set<string>>();
  for (const f of functions) {
    const subnets = subnetsOf(f);
    if (subnets.length === 0) continue;
    const key = `${f.account}/${f.region}`;
    const group = groups.get(key) ?? new Set<string>();
    for (const s of subnets) group.add(s);
    groups.set(key, group);
  }
  if (groups.size > 0) {
    const client = await options.client();
    const { DescribeSubnetsCommand } = loadEc2Sdk(); // loaded by `client()` already (`sdk.ts`)
    const describe = (ids: readonly string[], token: string | undefined, s: AbortSignal) =>
      client.send(
        withSignal(
          new DescribeSubnetsCommand({
            Filters: [{ Name: 'subnet-id', Values: [...ids] }],
            ...(token === undefined ? {} : { NextToken: token }),
          }),
          s,
        ),
      );
    for (const [key, subnets] of groups)
      cache.set(key, await lookUp([...subnets].sort(), lane, describe, options.signal));
  }

  const out = functions.map((f) => {
    const subnets = subnetsOf(f);
    const found = subnets.length === 0 ? undefined : cache.get(`${f.account}/${f.region}`);
    if (found === undefined) return f;
    if (!(found instanceof Map)) return { ...f, unknown: [...(f.unknown ?? []), found] };
    const zones: Record<string, string> = {};
    for (const s of [...subnets].sort()) {
      const zone = found.get(s);
      if (zone !== undefined) zones[s] = zone;
    }
    return { ...f, subnetAvailabilityZones: zones };
  });
  return { functions: out, ...lane.stats };
}

type Describe = (
  ids: readonly string[],
  token: string | undefined,
  signal: AbortSignal,
) => Promise<DescribeSubnetsCommandOutput>;

async function lookUp(
  subnets: readonly string[],
  lane: QuotaLane,
  describe: Describe,
  signal: AbortSignal,
): Promise<Map<string, string> | UnknownPart> {
  const zones = new Map<string, string>();
  const unknown = await describeInBatches(
    subnets,
    SUBNET_BATCH,
    lane,
    signal,
    describe,
    (page) => {
      for (const subnet of page.Subnets ?? [])
        if (subnet.SubnetId !== undefined && subnet.AvailabilityZone !== undefined)
          zones.set(subnet.SubnetId, subnet.AvailabilityZone);
      return page.NextToken;
    },
    { path: 'subnetAvailabilityZones', action: 'ec2:DescribeSubnets' },
  );
  return unknown ?? zones;
}

/**
 * An EC2 Describe call over `ids` in batches of `batch`, each batch paginated, on `lane`: `onPage`
 * takes each page's items and returns its next token. Stops at the first call refused or failed
 * after retries, and returns the unknown part that says so (undefined when every call succeeded).
 */
export async function describeInBatches<Page>(
  ids: readonly string[],
  batch: number,
  lane: QuotaLane,
  signal: AbortSignal,
  describe: (ids: readonly string[], token: string | undefined, signal: AbortSignal) => Promise<Page>,
  onPage: (page: Page) => string | undefined,
  part: { readonly path: string; readonly action: string },
): Promise<UnknownPart | undefined> {
  for (let i = 0; i < ids.length; i += batch) {
    const some = ids.slice(i, i + batch);
    let token: string | undefined;
    do {
      const next = token;
      const res = await lane.call((s) => describe(some, next, s), signal);
      if (!res.ok) {
        const error = errorInfo(res.error, res.attempts);
        return {
          path: part.path,
          reason: res.kind === 'denied' ? 'denied' : 'failed',
          detail: `${part.action} ${error.code}`,
        };
      }
      token = onPage(res.value);
    } while (token);
  }
  return undefined;
}

/** The function's own subnets, or (Lambda Managed Instances) its capacity provider's. */
function subnetsOf(f: FunctionRecord): readonly string[] {
  if (f.status === 'vanished') return [];
  const own = f.configuration.VpcConfig?.SubnetIds ?? [];
  return own.length > 0 ? own : (f.capacityProvider?.VpcConfig?.SubnetIds ?? []);
}
