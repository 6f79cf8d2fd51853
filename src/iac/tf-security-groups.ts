/**
 * Terraform plans: the security groups a function's `vpc_config.security_group_ids` references
 * (`aws_security_group.x.id`), read like DescribeSecurityGroups' answer for
 * `sg-egress-unrestricted`.
 *
 * - The ids of groups the plan creates are known only after apply: the record names each by its
 *   address instead (`aws_security_group.x`), when every reference is a group of the plan.
 * - `aws_security_group` egress blocks. Terraform, unlike the EC2 API and CloudFormation, removes
 *   the default allow-all egress of a new group (the provider's documented behaviour), so a group
 *   without egress blocks lets nothing out, whatever the plan shows as "known after apply".
 * - `aws_vpc_security_group_egress_rule` and `aws_security_group_rule` (`type = "egress"`) add
 *   their rule to the group they reference.
 * - A group the plan does not create (a literal id, a data source) is left out: not judged. A group
 *   whose rules hold a value known only after apply is left out too.
 */
import type { SecurityGroupEgressRule, SecurityGroupInfo } from '../snapshot/types.js';
import { containsPlanTime } from './intrinsics.js';
import { isObject } from './sam.js';

export interface PlanResource {
  readonly address: string;
  readonly module: string;
  readonly type: string;
  /** Planned values (`after`), unknown ones as `PlanTime`, one-block lists as the block. */
  readonly values: Record<string, unknown>;
  /** The raw `after` (every egress block, not only the first). */
  readonly raw: Record<string, unknown>;
  /** The resource's configuration `expressions`. */
  readonly expressions: Record<string, unknown> | undefined;
}

/** The group addresses an expression references (`aws_security_group.x.id` -> `aws_security_group.x`). */
function groupRefs(expression: unknown, module: string): string[] {
  const refs = isObject(expression) && Array.isArray(expression.references) ? (expression.references as unknown[]) : [];
  const prefix = module === '' ? '' : `${module}.`;
  const out = new Set<string>();
  for (const ref of refs) {
    const parts = String(ref).split('.');
    if (parts[0] === 'aws_security_group' && parts.length >= 2) out.add(`${prefix}${parts[0]}.${parts[1]}`);
  }
  return [...out];
}

/**
 * The function's stand-in group ids (the group addresses) when its list is unknown and references
 * only groups of the plan, and those groups' info; undefined when there is nothing to add.
 */
export function planSecurityGroups(
  fn: PlanResource,
  resources: readonly PlanResource[],
): { readonly ids?: string[]; readonly groups: Record<string, SecurityGroupInfo> } | undefined {
  const vpc = fn.expressions?.vpc_config;
  const block: unknown = Array.isArray(vpc) ? (vpc as unknown[])[0] : vpc;
  const expression = isObject(block) ? block.security_group_ids : undefined;
  const addresses = groupRefs(expression, fn.module);
  const known = isObject(fn.values.vpc_config) ? fn.values.vpc_config.security_group_ids : undefined;
  if (addresses.length === 0) return Array.isArray(known) ? { groups: {} } : undefined;
  const byAddress = new Map(resources.filter((r) => r.type === 'aws_security_group').map((r) => [r.address, r]));
  if (!addresses.every((a) => byAddress.has(a))) return undefined;
  const groups: Record<string, SecurityGroupInfo> = {};
  for (const address of addresses) {
    const info = groupInfo(byAddress.get(address) as PlanResource, resources);
    if (info) groups[address] = info;
  }
  return { ids: addresses, groups };
}

function groupInfo(group: PlanResource, resources: readonly PlanResource[]): SecurityGroupInfo | undefined {
  const rules: SecurityGroupEgressRule[] = [];
  // No egress block in the configuration: Terraform removed the default rule.
  if (group.expressions?.egress !== undefined) {
    const blocks = group.raw.egress;
    if (!Array.isArray(blocks) || containsPlanTime(group.values.egress)) return undefined;
    for (const b of blocks.filter(isObject))
      rules.push(
        rule(b.protocol, b.from_port, b.to_port, {
          IpRanges: b.cidr_blocks,
          Ipv6Ranges: b.ipv6_cidr_blocks,
          PrefixListIds: b.prefix_list_ids,
          UserIdGroupPairs: b.security_groups,
        }),
      );
  }
  for (const r of resources) {
    const target = r.expressions?.security_group_id;
    if (!groupRefs(target, r.module).includes(group.address)) continue;
    const v = r.values;
    if (r.type === 'aws_vpc_security_group_egress_rule') {
      if (containsPlanTime([v.ip_protocol, v.from_port, v.to_port, v.cidr_ipv4, v.cidr_ipv6, v.prefix_list_id]))
        return undefined;
      rules.push(
        rule(v.ip_protocol, v.from_port, v.to_port, {
          IpRanges: v.cidr_ipv4 === undefined ? undefined : [v.cidr_ipv4],
          Ipv6Ranges: v.cidr_ipv6 === undefined ? undefined : [v.cidr_ipv6],
          PrefixListIds: v.prefix_list_id === undefined ? undefined : [v.prefix_list_id],
          UserIdGroupPairs: v.referenced_security_group_id === undefined ? undefined : ['(a security group)'],
        }),
      );
    } else if (r.type === 'aws_security_group_rule' && v.type === 'egress') {
      const raw = r.raw;
      if (containsPlanTime([v.protocol, v.from_port, v.to_port, v.cidr_blocks, v.ipv6_cidr_blocks])) return undefined;
      rules.push(
        rule(v.protocol, v.from_port, v.to_port, {
          IpRanges: raw.cidr_blocks,
          Ipv6Ranges: raw.ipv6_cidr_blocks,
          PrefixListIds: raw.prefix_list_ids,
          UserIdGroupPairs: v.source_security_group_id === undefined ? undefined : ['(a security group)'],
        }),
      );
    }
  }
  const name = group.values.name;
  return { GroupId: group.address, ...(typeof name === 'string' ? { GroupName: name } : {}), egress: rules };
}

function rule(
  protocol: unknown,
  from: unknown,
  to: unknown,
  targets: Readonly<Record<'IpRanges' | 'Ipv6Ranges' | 'PrefixListIds' | 'UserIdGroupPairs', unknown>>,
): SecurityGroupEgressRule {
  const p = typeof protocol === 'string' ? protocol : typeof protocol === 'number' ? String(protocol) : '-1';
  const all = p === '-1' || p === 'all';
  const out: Record<string, unknown> = { IpProtocol: all ? '-1' : p };
  // Terraform writes 0/0 (or -1) for "all" on protocol -1; EC2 returns no ports there.
  if (!all && typeof from === 'number') out.FromPort = from;
  if (!all && typeof to === 'number') out.ToPort = to;
  for (const [key, value] of Object.entries(targets)) {
    const list = Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string' && x !== '') : [];
    if (list.length > 0) out[key] = list;
  }
  return out as unknown as SecurityGroupEgressRule;
}
