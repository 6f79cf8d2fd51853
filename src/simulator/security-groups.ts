/**
 * Security groups in the simulator: what EC2 DescribeSecurityGroups answers for the groups the
 * fleet's functions (and capacity providers) name, and which functions `sg-egress-unrestricted`
 * should fire on.
 *
 * A group's egress follows from its id (stable, like a subnet's zone), so the fleet's random draws
 * are untouched; a few ids are planted with a fixed kind:
 * - `open`: AWS's default egress, all traffic to 0.0.0.0/0 and ::/0 (what a new group has);
 * - `https`: the default revoked, TCP 443 to 0.0.0.0/0 only;
 * - `endpoints`: all traffic, but to a prefix list and the VPC's CIDR only;
 * - `proxy`: open, named `egress-proxy`: an intended open group a config may allow by name.
 * The capacity providers' group (managed.ts) is planted open.
 */
import { createHash } from 'node:crypto';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { Fleet, SimFunction } from './fleet.js';

export type SimGroupKind = 'open' | 'https' | 'endpoints' | 'proxy';

/** The egress proxy's group: open on purpose, named so a config can allow it. */
export const PROXY_GROUP = 'sg-0e9e55b70c5000001';
export const PROXY_GROUP_NAME = 'egress-proxy';
/** The capacity providers' group (managed.ts): open, as AWS creates it. */
export const PROVIDER_GROUP = 'sg-0cp00000000000001';

export interface SimSecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly kind: SimGroupKind;
}

export function simulatedGroup(id: string): SimSecurityGroup {
  if (id === PROXY_GROUP) return { id, name: PROXY_GROUP_NAME, kind: 'proxy' };
  if (id === PROVIDER_GROUP) return { id, name: 'capacity-provider', kind: 'open' };
  const h = createHash('sha256').update(id).digest().readUInt32BE(0);
  const kind = (['open', 'https', 'endpoints'] as const)[h % 3] ?? 'open';
  return { id, name: kind === 'open' ? `launch-wizard-${h % 97}` : `${kind}-only-${h % 97}`, kind };
}

/** The groups a function runs with: its own, or its capacity provider's. */
export function groupsOfSim(fn: SimFunction): string[] {
  const own = fn.configuration.VpcConfig?.SecurityGroupIds ?? [];
  return own.length > 0 ? [...own] : [...(fn.managed?.provider?.VpcConfig?.SecurityGroupIds ?? [])];
}

/**
 * Whether `sg-egress-unrestricted` should fire on the function, by the groups' planted kinds (not
 * by the rule's own logic): some group is `open`, or `proxy` unless the proxy is allowed.
 */
export function expectsOpenEgress(fn: SimFunction, options: { readonly proxyAllowed?: boolean } = {}): boolean {
  return groupsOfSim(fn).some((id) => {
    const kind = simulatedGroup(id).kind;
    return kind === 'open' || (kind === 'proxy' && options.proxyAllowed !== true);
  });
}

/** Puts the egress proxy's group on a few VPC functions of each region (every 50th by name). */
export function plantSecurityGroups(fleet: Fleet): void {
  for (const functions of fleet.values()) {
    const vpc = [...functions.values()]
      .filter((f) => (f.configuration.VpcConfig?.SecurityGroupIds ?? []).length > 0)
      .sort((a, b) => ((a.configuration.FunctionName ?? '') < (b.configuration.FunctionName ?? '') ? -1 : 1));
    vpc.forEach((fn, i) => {
      if (i % 50 !== 7) return;
      const config = fn.configuration.VpcConfig as NonNullable<FunctionConfiguration['VpcConfig']>;
      config.SecurityGroupIds = [PROXY_GROUP];
    });
  }
}

/** group id -> VPC id, for every group a function of this account-region names. */
export function fleetGroups(functions: ReadonlyMap<string, SimFunction> | undefined): Map<string, string> {
  const groups = new Map<string, string>();
  for (const fn of functions?.values() ?? []) {
    const vpc = fn.configuration.VpcConfig?.VpcId ?? 'vpc-0capacity';
    for (const id of groupsOfSim(fn)) groups.set(id, vpc);
  }
  return groups;
}

/** A group's `<item>` as DescribeSecurityGroups returns it (EC2 query protocol XML). */
export function groupItem(account: string, region: string, id: string, vpc: string): string {
  const g = simulatedGroup(id);
  const world = '<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>';
  const world6 = '<ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>';
  const none = '<groups/><prefixListIds/>';
  const egress =
    g.kind === 'https'
      ? `<item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups/>${world}<ipv6Ranges/><prefixListIds/></item>`
      : g.kind === 'endpoints'
        ? `<item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>10.0.0.0/16</cidrIp><description>VPC</description></item></ipRanges><ipv6Ranges/><prefixListIds><item><prefixListId>pl-63a5400a</prefixListId></item></prefixListIds></item>`
        : `<item><ipProtocol>-1</ipProtocol>${none}${world}${world6}</item>`;
  return `<item><ownerId>${account}</ownerId><groupId>${id}</groupId><groupName>${g.name}</groupName><groupDescription>${g.kind}</groupDescription><vpcId>${vpc}</vpcId><ipPermissions/><ipPermissionsEgress>${egress}</ipPermissionsEgress><securityGroupArn>arn:aws:ec2:${region}:${account}:security-group/${id}</securityGroupArn></item>`;
}
