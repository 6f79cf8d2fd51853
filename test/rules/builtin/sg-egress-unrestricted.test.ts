import { describe, expect, it } from 'vitest';
import { sgEgressUnrestricted } from '../../../src/rules/checks/sg-egress-unrestricted.js';
import type { FleetContext } from '../../../src/rules/types.js';
import type { SecurityGroupEgressRule, SecurityGroupInfo } from '../../../src/snapshot/types.js';
import { onProvider, provider } from '../../helpers/managed.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

const vpc = (...groups: string[]) => ({ VpcId: 'vpc-1', SubnetIds: ['subnet-a'], SecurityGroupIds: groups });
const group = (id: string, egress: SecurityGroupEgressRule[], name?: string): SecurityGroupInfo => ({
  GroupId: id,
  VpcId: 'vpc-1',
  ...(name === undefined ? {} : { GroupName: name }),
  egress,
});
/** What AWS puts on every new group. */
const allV4: SecurityGroupEgressRule = { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] };
const allV6: SecurityGroupEgressRule = { IpProtocol: '-1', Ipv6Ranges: ['::/0'] };
const https: SecurityGroupEgressRule = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: ['0.0.0.0/0'] };
const tcpAll: SecurityGroupEgressRule = { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: ['0.0.0.0/0'] };
const udpAll: SecurityGroupEgressRule = { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, Ipv6Ranges: ['::/0'] };
const inVpc = (groups: string[], known: SecurityGroupInfo[]) =>
  record({
    configuration: { VpcConfig: vpc(...groups) },
    securityGroups: Object.fromEntries(known.map((g) => [g.GroupId, g])),
  });

ruleTester('sg-egress-unrestricted', {
  valid: [
    record(), // not in a VPC: no group to judge
    inVpc(['sg-1'], [group('sg-1', [https])]),
    // All traffic, but to the VPC only.
    inVpc(['sg-1'], [group('sg-1', [{ IpProtocol: '-1', IpRanges: ['10.0.0.0/8'] }])]),
    // All traffic to a prefix list or a group: not the world.
    inVpc(['sg-1'], [group('sg-1', [{ IpProtocol: '-1', PrefixListIds: ['pl-1'], UserIdGroupPairs: ['sg-2'] }])]),
    // No egress rule at all (revoked).
    inVpc(['sg-1'], [group('sg-1', [])]),
    // TCP on every port alone is not all ports.
    inVpc(['sg-1'], [group('sg-1', [tcpAll])]),
    // On a capacity provider whose group is restricted.
    record({
      configuration: onProvider('cp'),
      capacityProvider: provider('cp'),
      securityGroups: { 'sg-1': group('sg-1', [https]) },
    }),
  ],
  invalid: [
    {
      record: inVpc(['sg-1'], [group('sg-1', [allV4], 'default')]),
      vars: { groups: 'sg-1 (default)', destinations: '0.0.0.0/0' },
    },
    { record: inVpc(['sg-1'], [group('sg-1', [allV6])]), vars: { destinations: '::/0' } },
    // CloudFormation's spelling of all protocols.
    {
      record: inVpc(['sg-1'], [group('sg-1', [{ IpProtocol: 'all', IpRanges: ['0.0.0.0/0'] }])]),
      vars: { groups: 'sg-1' },
    },
    // TCP and UDP on every port add up across the function's groups.
    {
      record: inVpc(['sg-1', 'sg-2'], [group('sg-1', [tcpAll]), group('sg-2', [udpAll])]),
      vars: { groups: 'sg-1, sg-2', destinations: '0.0.0.0/0, ::/0' },
    },
    // One open group among restricted ones; a missing group does not hide an open one.
    {
      record: inVpc(['sg-1', 'sg-2', 'sg-gone'], [group('sg-1', [https]), group('sg-2', [allV4])]),
      messageIncludes: ['through sg-2'],
    },
    // On a capacity provider whose group is open: judged on the provider's groups.
    {
      record: record({
        configuration: onProvider('cp'),
        capacityProvider: provider('cp'),
        securityGroups: { 'sg-1': group('sg-1', [allV4]) },
      }),
      vars: { groups: 'sg-1' },
    },
  ],
  notJudged: [
    {
      record: record({
        configuration: { VpcConfig: vpc('sg-1') },
        unknown: [
          { path: 'securityGroups', reason: 'denied', detail: 'ec2:DescribeSecurityGroups UnauthorizedOperation' },
        ],
      }),
      path: 'securityGroups',
    },
    {
      record: record({
        configuration: { VpcConfig: vpc('sg-1') },
        unknown: [{ path: 'securityGroups', reason: 'skipped', detail: '--no-security-groups' }],
      }),
      path: 'securityGroups',
    },
    // Offline input without groups.
    { record: record({ source: 'input', configuration: { VpcConfig: vpc('sg-1') } }), path: 'securityGroups' },
    // The only group was not found.
    { record: inVpc(['sg-gone'], [{ GroupId: 'sg-gone', notFound: true }]), path: 'securityGroups' },
    // A template's group it does not define, next to a restricted one.
    {
      record: record({
        source: 'template',
        configuration: { VpcConfig: vpc('sg-1', 'sg-ext') },
        securityGroups: { 'sg-1': group('sg-1', [https]) },
        unknown: [{ path: 'securityGroups.sg-ext', reason: 'not-in-input', detail: 'not in the template' }],
      }),
      path: 'securityGroups.sg-ext',
    },
    // On a capacity provider that could not be read.
    {
      record: record({
        configuration: onProvider('cp'),
        unknown: [{ path: 'capacityProvider', reason: 'denied', detail: 'lambda:ListCapacityProviders' }],
      }),
      path: 'capacityProvider',
    },
  ],
});

describe('sg-egress-unrestricted allowedGroups', () => {
  const env = { asOf: new Date(0), lifecycle: new Map() };
  // The check reads its record only.
  const fleet = {} as FleetContext;
  const open = inVpc(['sg-1', 'sg-2'], [group('sg-1', [allV4], 'egress-proxy'), group('sg-2', [https])]);
  it('leaves out the groups named by id or by name', () => {
    expect(sgEgressUnrestricted.create({ allowedGroups: ['egress-proxy'] }, env)(open, fleet)).toBeUndefined();
    expect(sgEgressUnrestricted.create({ allowedGroups: ['sg-1'] }, env)(open, fleet)).toBeUndefined();
  });
  it('still fires on the groups not allowed', () => {
    const both = inVpc(['sg-1', 'sg-2'], [group('sg-1', [allV4], 'egress-proxy'), group('sg-2', [allV6])]);
    expect(sgEgressUnrestricted.create({ allowedGroups: ['egress-proxy'] }, env)(both, fleet)).toEqual({
      groups: 'sg-2',
      destinations: '::/0',
    });
    expect(sgEgressUnrestricted.create({ allowedGroups: ['other'] }, env)(open, fleet)).toMatchObject({
      groups: 'sg-1 (egress-proxy)',
    });
  });
});
