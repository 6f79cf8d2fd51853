/**
 * CloudFormation (and SAM, which passes `VpcConfig` through): the security groups a function names
 * in `VpcConfig.SecurityGroupIds` (or its capacity provider of the template does) that the template defines, read
 * like DescribeSecurityGroups' answer for `sg-egress-unrestricted`.
 *
 * - `AWS::EC2::SecurityGroup`, named by `!Ref Group` or `!GetAtt Group.GroupId`: its
 *   `SecurityGroupEgress` rules. Without that property AWS gives the new group the default egress
 *   (all traffic out; "if you do not add egress rules, we add egress rules that allow all outbound
 *   IPv4 and IPv6 traffic", AWS::EC2::SecurityGroup's reference), and the record says so.
 * - `AWS::EC2::SecurityGroupEgress` resources whose `GroupId` names the group add their rule (the
 *   default stays beside them: only the group's own property replaces it).
 * - A group the template does not define (a literal id, an import, a parameter) is left out of
 *   `securityGroups`: the rule does not judge what it cannot see. A group whose rules hold a value
 *   known only at deploy time is left out too.
 *
 * Keys are the ids the function's record holds: for a group of the template, the placeholder its
 * deploy-time id becomes (`placeholderId`).
 */
import type { SecurityGroupEgressRule, SecurityGroupInfo } from '../snapshot/types.js';
import { PlanTime, containsPlanTime, type Resolver } from './intrinsics.js';
import { placeholderId } from './record.js';
import { isObject, type TemplateResource } from './sam.js';

/** What AWS puts on a new group without egress rules (IPv4 and IPv6, as the reference says). */
export const DEFAULT_EGRESS: readonly SecurityGroupEgressRule[] = [
  { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] },
  { IpProtocol: '-1', Ipv6Ranges: ['::/0'] },
];

/** The logical id a `!Ref X` / `!GetAtt X.GroupId` names, if any. */
export function referencedId(value: unknown): string | undefined {
  if (isObject(value) && typeof value.Ref === 'string') return value.Ref;
  if (isObject(value) && value['Fn::GetAtt'] !== undefined) {
    const arg = value['Fn::GetAtt'];
    const [id, attribute] = typeof arg === 'string' ? arg.split('.', 2) : Array.isArray(arg) ? (arg as unknown[]) : [];
    return attribute === 'GroupId' && typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/**
 * The template's groups among `ids` (the unresolved list), keyed as the record will hold them; or
 * undefined when the list is not a list (a parameter of type List, an import).
 */
export function templateSecurityGroups(
  ids: unknown,
  resolver: Resolver,
  resources: readonly TemplateResource[],
  byId: ReadonlyMap<string, TemplateResource>,
): Record<string, SecurityGroupInfo> | undefined {
  if (!Array.isArray(ids)) return undefined;
  const resolved = resolver.resolve(ids);
  if (!Array.isArray(resolved)) return undefined;
  const out: Record<string, SecurityGroupInfo> = {};
  ids.forEach((raw, i) => {
    const logicalId = referencedId(raw);
    const group = logicalId === undefined ? undefined : byId.get(logicalId);
    if (group?.Type !== 'AWS::EC2::SecurityGroup') return;
    const value: unknown = resolved[i];
    const key = value instanceof PlanTime ? placeholderId(value, i) : typeof value === 'string' ? value : undefined;
    if (key === undefined) return;
    const info = groupInfo(group, key, resolver, resources);
    if (info) out[key] = info;
  });
  return out;
}

function groupInfo(
  group: TemplateResource,
  key: string,
  resolver: Resolver,
  resources: readonly TemplateResource[],
): SecurityGroupInfo | undefined {
  const props = resolver.resolve(group.Properties);
  if (!isObject(props)) return undefined;
  const own = props.SecurityGroupEgress;
  if (own instanceof PlanTime || (Array.isArray(own) && own.some((r) => !knownRule(r)))) return undefined;
  const rules: SecurityGroupEgressRule[] = Array.isArray(own)
    ? own.filter(isObject).map((r) => egressRule(r))
    : [...DEFAULT_EGRESS];
  for (const r of resources) {
    if (r.Type !== 'AWS::EC2::SecurityGroupEgress' || referencedId(r.Properties.GroupId) !== group.id) continue;
    if (r.Condition !== undefined && !resolver.condition(r.Condition)) continue;
    const egress = resolver.resolve(r.Properties);
    if (!isObject(egress)) continue;
    if (!knownRule(egress)) return undefined;
    rules.push(egressRule(egress));
  }
  const name = props.GroupName;
  const vpc = props.VpcId;
  return {
    GroupId: key,
    ...(typeof name === 'string' ? { GroupName: name } : {}),
    ...(typeof vpc === 'string' ? { VpcId: vpc } : {}),
    egress: rules,
  };
}

/**
 * Whether a rule's reach is known before deploy: a destination group's id never is (nor needs to
 * be: a group is never "anywhere"), the rest must be.
 */
function knownRule(rule: unknown): boolean {
  if (!isObject(rule)) return !containsPlanTime(rule);
  return Object.entries(rule).every(
    ([k, v]) => k === 'DestinationSecurityGroupId' || k === 'GroupId' || k === 'Description' || !containsPlanTime(v),
  );
}

/** A CloudFormation egress rule (`CidrIp`, `CidrIpv6`, ...) in DescribeSecurityGroups' trimmed shape. */
function egressRule(r: Record<string, unknown>): SecurityGroupEgressRule {
  const port = (v: unknown): number | undefined =>
    typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  const from = port(r.FromPort);
  const to = port(r.ToPort);
  const cidr = text(r.CidrIp);
  const cidr6 = text(r.CidrIpv6);
  const prefixList = text(r.DestinationPrefixListId);
  const group = r.DestinationSecurityGroupId;
  const destination = group instanceof PlanTime ? group.detail : text(group);
  return {
    IpProtocol: text(r.IpProtocol) ?? '-1',
    ...(from === undefined ? {} : { FromPort: from }),
    ...(to === undefined ? {} : { ToPort: to }),
    ...(cidr === undefined ? {} : { IpRanges: [cidr] }),
    ...(cidr6 === undefined ? {} : { Ipv6Ranges: [cidr6] }),
    ...(prefixList === undefined ? {} : { PrefixListIds: [prefixList] }),
    ...(destination === undefined ? {} : { UserIdGroupPairs: [destination] }),
  };
}
