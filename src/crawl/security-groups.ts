/**
 * Security groups of VPC functions, with EC2 DescribeSecurityGroups (read-only), while the
 * functions are fetched and at the same time as the subnet zones (subnets.ts): the two lookups
 * share the EC2 thread but not a lane.
 *
 * - Batched: up to 200 group ids per call, as one `group-id` filter (a filter, not `GroupIds`: a
 *   deleted group named by a function must not fail the whole batch with InvalidGroup.NotFound).
 * - Cached per account and region, and started from the listing: see ec2-lookup.ts.
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
import type { FunctionRecord, SecurityGroupEgressRule, SecurityGroupInfo } from '../snapshot/types.js';
import { IdLookup, type Ec2LookupOptions } from './ec2-lookup.js';
import { resolveByRegion, type SubnetLookupResult } from './subnets.js';

/** Group ids per DescribeSecurityGroups call (the filter takes up to 200 values). */
export const SECURITY_GROUP_BATCH = 200;

export type SecurityGroupLookup = IdLookup<SecurityGroupInfo, DescribeSecurityGroupsCommandOutput>;
export type SecurityGroupLookupResult = SubnetLookupResult;

/** The security group lookup of a crawl: `prefetch` ids from the listing, then `withSecurityGroups`. */
export function securityGroupLookup(options: Ec2LookupOptions): SecurityGroupLookup {
  return new IdLookup(options, {
    batch: SECURITY_GROUP_BATCH,
    part: { path: 'securityGroups', action: 'ec2:DescribeSecurityGroups' },
    // A filter, not `GroupIds`: a deleted group must not fail the whole batch.
    describe: (send, ids, token, signal) =>
      send(
        'DescribeSecurityGroups',
        { Filters: [{ Name: 'group-id', Values: [...ids] }], ...(token === undefined ? {} : { NextToken: token }) },
        signal,
      ),
    onPage: (page, groups) => {
      for (const group of page.SecurityGroups ?? []) {
        const info = securityGroupInfo(group);
        if (info) groups.set(info.GroupId, info);
      }
      return page.NextToken;
    },
  });
}

/**
 * Returns the records with `securityGroups` (group id -> group) on each VPC function whose groups
 * were looked up, or an unknown part when the lookup was refused or failed.
 */
export async function withSecurityGroups(
  functions: readonly FunctionRecord[],
  lookup: SecurityGroupLookup | Ec2LookupOptions,
): Promise<SecurityGroupLookupResult> {
  const groups = lookup instanceof IdLookup ? lookup : securityGroupLookup(lookup);
  const found = await resolveByRegion(functions, securityGroupIdsOf, groups);
  const out = functions.map((f) => {
    const ids = securityGroupIdsOf(f);
    const known = ids.length === 0 ? undefined : found.get(`${f.account}/${f.region}`);
    if (known === undefined) return f;
    if ('reason' in known) return { ...f, unknown: [...(f.unknown ?? []), known] };
    return { ...f, securityGroups: groupsOf(ids, known) };
  });
  return { functions: out, ...groups.stats };
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
