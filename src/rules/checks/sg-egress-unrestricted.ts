/**
 * VPC functions whose security groups let them send anything anywhere: an egress rule for all
 * traffic (`IpProtocol: -1`, every protocol and port) to `0.0.0.0/0` or `::/0`. That is what AWS
 * puts on every new group (and on a CloudFormation group without `SecurityGroupEgress`), so code
 * that is made to misbehave can reach any host on the internet (through a NAT gateway) or in the
 * network to exfiltrate data.
 *
 * - All ports also means TCP 0-65535 and UDP 0-65535 both open to the world, in one group or
 *   across the function's groups (rules add up over every group of an ENI): that is everything a
 *   Lambda function can send but ICMP. TCP alone on every port is not "all ports" and stays silent
 *   (a deliberate choice: such a group was written by someone, not left at the default).
 * - `allowedGroups` (group ids or names) are accepted as open by design: their rules are left out.
 * - Groups come from the function's `VpcConfig.SecurityGroupIds`, or (Lambda Managed Instances)
 *   its capacity provider's. A function without groups (not in a VPC) is not judged by this rule:
 *   it has no group to judge (`vpc-missing` is about that).
 * - Not judged when the groups could not be read (`securityGroups` unknown: denied, failed,
 *   `--no-security-groups`, not in the input, a template's group it does not define), or when the
 *   open groups found are none but some group was not found.
 */
import type { FunctionRecord, SecurityGroupEgressRule, SecurityGroupInfo, UnknownPart } from '../../snapshot/types.js';
import { NotJudged, type Check } from '../types.js';
import { unknownPartFor } from '../unknown.js';

export interface SgEgressUnrestrictedOptions {
  /** Group ids (`sg-...`) or names whose open egress is accepted. @default [] */
  readonly allowedGroups: readonly string[];
}

const ANYWHERE_V4 = '0.0.0.0/0';
const ANYWHERE_V6 = '::/0';
const OFFLINE = new Set<FunctionRecord['source']>(['input', 'template', 'plan']);

export const sgEgressUnrestricted: Check<SgEgressUnrestrictedOptions> = {
  meta: {
    id: 'sg-egress-unrestricted',
    description: 'VPC functions whose security groups allow egress on all ports to 0.0.0.0/0 or ::/0.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { allowedGroups: { type: 'array', items: { type: 'string', minLength: 1 } } },
    },
    defaults: { allowedGroups: [] },
    vars: ['groups', 'destinations'],
    reads: [],
  },
  create(options) {
    const allowed = new Set(options.allowedGroups);
    return (record) => {
      const ids = groupIdsOf(record);
      if (isPart(ids)) return new NotJudged(ids);
      if (ids.length === 0) return undefined; // not in a VPC
      // The whole read unknown (denied, failed, skipped); one group unknown (a template's group it
      // does not define) is `securityGroups.<id>`, and leaves only that group out.
      const whole = record.unknown?.find((p) => p.path === 'securityGroups');
      if (whole) return new NotJudged(whole);
      const known = record.securityGroups;
      if (known === undefined) return new NotJudged(notRead(record));
      const judged: SecurityGroupInfo[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const group = known[id];
        if (group === undefined || group.notFound === true || group.egress === undefined) missing.push(id);
        else if (!allowed.has(group.GroupId) && (group.GroupName === undefined || !allowed.has(group.GroupName)))
          judged.push(group);
      }
      const open = openEgress(judged);
      if (open === undefined) {
        const first = missing.sort()[0];
        if (first === undefined) return undefined;
        const part = record.unknown?.find((p) => p.path === `securityGroups.${first}`);
        return new NotJudged(
          part ?? {
            path: 'securityGroups',
            reason: OFFLINE.has(record.source) ? 'not-in-input' : 'failed',
            detail: OFFLINE.has(record.source)
              ? `security group not in the input: ${missing.join(', ')}`
              : `security group not found by DescribeSecurityGroups: ${missing.join(', ')}`,
          },
        );
      }
      return { groups: open.groups.join(', '), destinations: open.destinations.join(', ') };
    };
  },
};

/** The group ids the function runs with, or why they are not known. */
function groupIdsOf(record: FunctionRecord): readonly string[] | UnknownPart {
  const own = unknownPartFor(record, 'configuration.VpcConfig.SecurityGroupIds', { shapeOnly: true });
  if (own) return own;
  const ids = record.configuration.VpcConfig?.SecurityGroupIds ?? [];
  if (ids.length > 0) return ids;
  if (record.configuration.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig === undefined)
    return [];
  const provider = unknownPartFor(record, 'capacityProvider.VpcConfig.SecurityGroupIds', { shapeOnly: true });
  return provider ?? record.capacityProvider?.VpcConfig?.SecurityGroupIds ?? [];
}

function isPart(value: readonly string[] | UnknownPart): value is UnknownPart {
  return 'reason' in value;
}

function notRead(record: FunctionRecord): UnknownPart {
  return OFFLINE.has(record.source)
    ? { path: 'securityGroups', reason: 'not-in-input', detail: 'security groups need ec2:DescribeSecurityGroups' }
    : { path: 'securityGroups', reason: 'skipped', detail: 'not looked up' };
}

interface OpenEgress {
  readonly groups: readonly string[];
  readonly destinations: readonly string[];
}

/**
 * The groups (names, else ids) and the world-wide destinations through which all traffic may
 * leave, or undefined when it may not: one all-traffic rule to the world, or TCP and UDP on every
 * port to the world (across the groups: their rules add up).
 */
export function openEgress(groups: readonly SecurityGroupInfo[]): OpenEgress | undefined {
  const all = new Map<string, Set<string>>();
  const tcp = new Map<string, Set<string>>();
  const udp = new Map<string, Set<string>>();
  for (const group of groups) {
    const name = group.GroupName === undefined ? group.GroupId : `${group.GroupId} (${group.GroupName})`;
    for (const rule of group.egress ?? []) {
      const world = worldOf(rule);
      if (world.length === 0) continue;
      const protocol = protocolOf(rule.IpProtocol);
      const target =
        protocol === 'all'
          ? all
          : !everyPort(rule)
            ? undefined
            : protocol === 'tcp'
              ? tcp
              : protocol === 'udp'
                ? udp
                : undefined;
      if (target === undefined) continue;
      const set = target.get(name) ?? new Set<string>();
      for (const w of world) set.add(w);
      target.set(name, set);
    }
  }
  const hit = new Map(all);
  if (tcp.size > 0 && udp.size > 0)
    for (const source of [tcp, udp])
      for (const [name, set] of source) hit.set(name, new Set([...(hit.get(name) ?? []), ...set]));
  if (hit.size === 0) return undefined;
  const destinations = new Set<string>();
  for (const set of hit.values()) for (const d of set) destinations.add(d);
  return { groups: [...hit.keys()].sort(), destinations: [...destinations].sort() };
}

function worldOf(rule: SecurityGroupEgressRule): string[] {
  return [
    ...(rule.IpRanges ?? []).filter((c) => c === ANYWHERE_V4),
    ...(rule.Ipv6Ranges ?? []).filter((c) => c === ANYWHERE_V6),
  ];
}

/** `-1` (and CloudFormation's `all`/`-1` spellings), TCP (6) and UDP (17) by name or number. */
function protocolOf(value: string): 'all' | 'tcp' | 'udp' | 'other' {
  const v = value.toLowerCase();
  if (v === '-1' || v === 'all') return 'all';
  if (v === 'tcp' || v === '6') return 'tcp';
  if (v === 'udp' || v === '17') return 'udp';
  return 'other';
}

/** Ports 0-65535 (or no range given, or EC2's -1 for "all" on TCP/UDP). */
function everyPort(rule: SecurityGroupEgressRule): boolean {
  const from = rule.FromPort ?? 0;
  const to = rule.ToPort ?? 65535;
  return (from <= 0 || from === -1) && (to >= 65535 || to === -1);
}
