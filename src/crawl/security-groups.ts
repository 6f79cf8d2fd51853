/**
 * Security groups of VPC functions, with EC2 DescribeSecurityGroups (read-only), after the
 * functions are fetched and at the same time as the subnet zones (subnets.ts): the two lookups
 * share the region's EC2 client but not a lane.
 *
 * - Batched: up to 200 group ids per call, as one `group-id` filter (a filter, not `GroupIds`: a
 *   deleted group named by a function must not fail the whole batch with InvalidGroup.NotFound).
 * - Cached per account and region: each group is asked for once, however many functions use it.
 * - Its own quota lane at 20/s: EC2 throttles each API action separately ("each API is evaluated
 *   individually": DescribeSecurityGroups has its own bucket of 100 refilled at 20 per second, as
 *   DescribeSubnets has), so one lane per action paces each at its own bucket's rate; a lane shared
 *   by both would halve each for nothing.
 * - Groups come from the function's `VpcConfig.SecurityGroupIds`, or (Lambda Managed Instances)
 *   its capacity provider's.
 * - Not fatal: when a call is refused (UnauthorizedOperation) or fails after retries, no further
 *   call is made in that account-region and every VPC function there gets an unknown part
 *   `securityGroups` (reason `denied` or `failed`); `--no-security-groups` gives `skipped`.
 */
import type { DescribeSecurityGroupsCommandOutput, IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { FunctionRecord, SecurityGroupEgressRule, SecurityGroupInfo, UnknownPart } from '../snapshot/types.js';
import { withSignal } from './client.js';
import { QuotaLane } from './lane.js';
import { loadEc2Sdk } from './sdk.js';
import { EC2_DESCRIBE_RATE, describeInBatches, type SubnetLookupOptions, type SubnetLookupResult } from './subnets.js';

/** Group ids per DescribeSecurityGroups call (the filter takes up to 200 values). */
export const SECURITY_GROUP_BATCH = 200;

export type SecurityGroupLookupOptions = SubnetLookupOptions;
export type SecurityGroupLookupResult = SubnetLookupResult;

/**
 * Returns the records with `securityGroups` (group id -> group) on each VPC function whose groups
 * were looked up, or an unknown part when the lookup was refused or failed.
 */
export async function withSecurityGroups(
  functions: readonly FunctionRecord[],
  options: SecurityGroupLookupOptions,
): Promise<SecurityGroupLookupResult> {
  const lane = new QuotaLane({
    ...options,
    ratePerSecond: Math.min(options.ratePerSecond ?? EC2_DESCRIBE_RATE, options.maxRps ?? Infinity),
    concurrency: 4,
  });
  const cache = new Map<string, Map<string, SecurityGroupInfo> | UnknownPart>();
  const wanted = new Map<string, Set<string>>();
  for (const f of functions) {
    const groups = securityGroupIdsOf(f);
    if (groups.length === 0) continue;
    const key = `${f.account}/${f.region}`;
    const set = wanted.get(key) ?? new Set<string>();
    for (const g of groups) set.add(g);
    wanted.set(key, set);
  }
  if (wanted.size > 0) {
    const client = await options.client();
    const { DescribeSecurityGroupsCommand } = loadEc2Sdk();
    const describe: Describe = (ids, token, s) =>
      client.send(
        withSignal(
          new DescribeSecurityGroupsCommand({
            Filters: [{ Name: 'group-id', Values: [...ids] }],
            ...(token === undefined ? {} : { NextToken: token }),
          }),
          s,
        ),
      );
    for (const [key, groups] of wanted)
      cache.set(key, await lookUp([...groups].sort(), lane, describe, options.signal));
  }

  const out = functions.map((f) => {
    const groups = securityGroupIdsOf(f);
    const found = groups.length === 0 ? undefined : cache.get(`${f.account}/${f.region}`);
    if (found === undefined) return f;
    if (!(found instanceof Map)) return { ...f, unknown: [...(f.unknown ?? []), found] };
    return { ...f, securityGroups: groupsOf(groups, found) };
  });
  return { functions: out, ...lane.stats };
}

/** The records, with `securityGroups` skipped (`--no-security-groups`) on every VPC function. */
export function withSecurityGroupsSkipped(functions: readonly FunctionRecord[]): FunctionRecord[] {
  return functions.map((f) =>
    securityGroupIdsOf(f).length === 0
      ? f
      : {
          ...f,
          unknown: [
            ...(f.unknown ?? []),
            { path: 'securityGroups', reason: 'skipped', detail: '--no-security-groups' },
          ],
        },
  );
}

/** The function's groups, each as found or as not found, sorted by id. */
function groupsOf(
  ids: readonly string[],
  found: ReadonlyMap<string, SecurityGroupInfo>,
): Record<string, SecurityGroupInfo> {
  const out: Record<string, SecurityGroupInfo> = {};
  for (const id of [...new Set(ids)].sort()) out[id] = found.get(id) ?? { GroupId: id, notFound: true };
  return out;
}

type Describe = (
  ids: readonly string[],
  token: string | undefined,
  signal: AbortSignal,
) => Promise<DescribeSecurityGroupsCommandOutput>;

async function lookUp(
  ids: readonly string[],
  lane: QuotaLane,
  describe: Describe,
  signal: AbortSignal,
): Promise<Map<string, SecurityGroupInfo> | UnknownPart> {
  const groups = new Map<string, SecurityGroupInfo>();
  const unknown = await describeInBatches(
    ids,
    SECURITY_GROUP_BATCH,
    lane,
    signal,
    describe,
    (page) => {
      for (const group of page.SecurityGroups ?? []) {
        const info = securityGroupInfo(group);
        if (info) groups.set(info.GroupId, info);
      }
      return page.NextToken;
    },
    { path: 'securityGroups', action: 'ec2:DescribeSecurityGroups' },
  );
  return unknown ?? groups;
}

/** What a rule needs of a group: its names and its egress, trimmed (no descriptions, no rule ids). */
export function securityGroupInfo(group: SecurityGroup): SecurityGroupInfo | undefined {
  if (group.GroupId === undefined) return undefined;
  return {
    GroupId: group.GroupId,
    ...(group.GroupName === undefined ? {} : { GroupName: group.GroupName }),
    ...(group.VpcId === undefined ? {} : { VpcId: group.VpcId }),
    egress: (group.IpPermissionsEgress ?? []).map(egressRule),
  };
}

function egressRule(p: IpPermission): SecurityGroupEgressRule {
  const list = (values: readonly (string | undefined)[] | undefined): readonly string[] | undefined => {
    const kept = (values ?? []).filter((v): v is string => v !== undefined && v !== '');
    return kept.length === 0 ? undefined : kept;
  };
  const ipv4 = list(p.IpRanges?.map((r) => r.CidrIp));
  const ipv6 = list(p.Ipv6Ranges?.map((r) => r.CidrIpv6));
  const prefixLists = list(p.PrefixListIds?.map((r) => r.PrefixListId));
  const groups = list(p.UserIdGroupPairs?.map((r) => r.GroupId));
  return {
    IpProtocol: p.IpProtocol ?? '-1',
    ...(p.FromPort === undefined ? {} : { FromPort: p.FromPort }),
    ...(p.ToPort === undefined ? {} : { ToPort: p.ToPort }),
    ...(ipv4 === undefined ? {} : { IpRanges: ipv4 }),
    ...(ipv6 === undefined ? {} : { Ipv6Ranges: ipv6 }),
    ...(prefixLists === undefined ? {} : { PrefixListIds: prefixLists }),
    ...(groups === undefined ? {} : { UserIdGroupPairs: groups }),
  };
}

/** The function's own security groups, or (Lambda Managed Instances) its capacity provider's. */
export function securityGroupIdsOf(f: FunctionRecord): readonly string[] {
  if (f.status === 'vanished') return [];
  const own = f.configuration.VpcConfig?.SecurityGroupIds ?? [];
  return own.length > 0 ? own : (f.capacityProvider?.VpcConfig?.SecurityGroupIds ?? []);
}

/**
 * `records` (the subnet lookup's output) with what the group lookup added to the same functions
 * (`withGroups`, in the same order): `securityGroups`, or its unknown part.
 */
export function mergeSecurityGroups(
  records: readonly FunctionRecord[],
  withGroups: readonly FunctionRecord[],
): FunctionRecord[] {
  return records.map((r, i) => {
    const g = withGroups[i];
    if (g === undefined || g.arn !== r.arn) return r;
    if (g.securityGroups !== undefined) return { ...r, securityGroups: g.securityGroups };
    const part = g.unknown?.find((p) => p.path === 'securityGroups');
    return part ? { ...r, unknown: [...(r.unknown ?? []), part] } : r;
  });
}
