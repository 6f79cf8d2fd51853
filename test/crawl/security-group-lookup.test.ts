// The security group lookup's decisions, with a stand-in EC2 client: batching, each group once,
// a group EC2 does not know, a refused call, and merging with the subnet lookup's records.
import { ec2SendOf } from '../../src/crawl/sdk-remote.js';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  SECURITY_GROUP_BATCH,
  mergeSecurityGroups,
  withSecurityGroups,
  withSecurityGroupsSkipped,
} from '../../src/crawl/security-groups.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';

const vpcRecord = (i: number, groups: string[]): FunctionRecord => ({
  arn: `arn:aws:lambda:us-east-1:111122223333:function:f${i}`,
  account: '111122223333',
  region: 'us-east-1',
  name: `f${i}`,
  qualifier: '$LATEST',
  status: 'ok',
  source: 'GetFunction',
  configuration: { VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: groups } },
});
const fast = { maxTransientAttempts: 2, maxThrottleAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };
type Sent = { input: { Filters?: { Name?: string; Values?: string[] }[]; GroupIds?: string[] } };

describe('security group lookup decisions', () => {
  it('batches at most 200 ids per group-id filter, asks for each group once, keeps groups not found', async () => {
    const calls: Sent['input'][] = [];
    const client = {
      send: (cmd: Sent) => {
        calls.push(cmd.input);
        const ids = (cmd.input.Filters?.[0]?.Values ?? []).filter((id) => id !== 'sg-gone');
        return Promise.resolve({
          SecurityGroups: ids.map((id) => ({
            GroupId: id,
            GroupName: `name-${id}`,
            VpcId: 'vpc-1',
            Description: 'not kept',
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
            IpPermissionsEgress: [
              {
                IpProtocol: '-1',
                IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'not kept' }],
                Ipv6Ranges: [{ CidrIpv6: '::/0' }],
                PrefixListIds: [{ PrefixListId: 'pl-1' }],
                UserIdGroupPairs: [{ GroupId: 'sg-peer', UserId: '111122223333' }],
              },
            ],
          })),
        });
      },
    } as unknown as EC2Client;
    // 450 distinct groups, each named by two functions; one function names a deleted group.
    const records = [
      ...Array.from({ length: 900 }, (_, i) => vpcRecord(i, [`sg-${i % 450}`])),
      vpcRecord(900, ['sg-1', 'sg-gone']),
    ];
    const out = await withSecurityGroups(records, {
      ec2: () => ec2SendOf(client),
      signal: new AbortController().signal,
      retry: fast,
    });
    expect(calls.map((c) => c.Filters?.[0]?.Values?.length)).toEqual([SECURITY_GROUP_BATCH, SECURITY_GROUP_BATCH, 51]);
    expect(calls.every((c) => c.Filters?.[0]?.Name === 'group-id' && c.GroupIds === undefined)).toBe(true);
    expect(new Set(calls.flatMap((c) => c.Filters?.[0]?.Values ?? [])).size).toBe(451);
    expect(out.functions[0]?.securityGroups).toEqual({
      'sg-0': {
        GroupId: 'sg-0',
        GroupName: 'name-sg-0',
        VpcId: 'vpc-1',
        egress: [
          {
            IpProtocol: '-1',
            IpRanges: ['0.0.0.0/0'],
            Ipv6Ranges: ['::/0'],
            PrefixListIds: ['pl-1'],
            UserIdGroupPairs: ['sg-peer'],
          },
        ],
      },
    });
    expect(out.functions.at(-1)?.securityGroups?.['sg-gone']).toEqual({ GroupId: 'sg-gone', notFound: true });
  });

  it("uses the capacity provider's groups for a function on one, and asks nothing for non-VPC functions", async () => {
    const asked: string[] = [];
    const client = {
      send: (cmd: Sent) => {
        asked.push(...(cmd.input.Filters?.[0]?.Values ?? []));
        return Promise.resolve({ SecurityGroups: [{ GroupId: 'sg-cp', IpPermissionsEgress: [] }] });
      },
    } as unknown as EC2Client;
    const onProvider: FunctionRecord = {
      ...vpcRecord(1, []),
      configuration: {},
      capacityProvider: { CapacityProviderArn: 'arn:cp', VpcConfig: { SubnetIds: ['s'], SecurityGroupIds: ['sg-cp'] } },
    };
    const plain: FunctionRecord = { ...vpcRecord(2, []), configuration: {} };
    const out = await withSecurityGroups([onProvider, plain], {
      ec2: () => ec2SendOf(client),
      signal: new AbortController().signal,
      retry: fast,
    });
    expect(asked).toEqual(['sg-cp']);
    expect(out.functions[0]?.securityGroups).toEqual({ 'sg-cp': { GroupId: 'sg-cp', egress: [] } });
    expect(out.functions[1]).toBe(plain);
  });

  it('a refused call stops the lookups of that account-region and marks its VPC functions', async () => {
    let calls = 0;
    const denied = Object.assign(new Error('You are not authorized to perform this operation.'), {
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403 },
    });
    const client = {
      send: () => {
        calls++;
        return Promise.reject(denied);
      },
    } as unknown as EC2Client;
    const records = [
      ...Array.from({ length: 300 }, (_, i) => vpcRecord(i, [`sg-${i}`])),
      { ...vpcRecord(999, []), configuration: {} },
    ];
    const out = await withSecurityGroups(records, {
      ec2: () => ec2SendOf(client),
      signal: new AbortController().signal,
      retry: fast,
    });
    expect(calls).toBe(1);
    expect(out.functions[0]?.unknown).toEqual([
      { path: 'securityGroups', reason: 'denied', detail: 'ec2:DescribeSecurityGroups UnauthorizedOperation' },
    ]);
    expect(out.functions.at(-1)?.unknown).toBeUndefined();
  });

  it('skipped and merged next to the subnet lookup', () => {
    const [a, b] = [vpcRecord(1, ['sg-1']), { ...vpcRecord(2, []), configuration: {} }];
    expect(withSecurityGroupsSkipped([a, b])).toEqual([
      { ...a, unknown: [{ path: 'securityGroups', reason: 'skipped', detail: '--no-security-groups' }] },
      b,
    ]);
    const zones = { ...a, subnetAvailabilityZones: { 'subnet-1': 'us-east-1a' } };
    const groups = { ...a, securityGroups: { 'sg-1': { GroupId: 'sg-1', egress: [] } } };
    expect(mergeSecurityGroups([zones, b], [groups, b])).toEqual([
      { ...zones, securityGroups: groups.securityGroups },
      b,
    ]);
    const denied = { ...a, unknown: [{ path: 'securityGroups', reason: 'denied' as const }] };
    expect(mergeSecurityGroups([zones], [denied])[0]?.unknown).toEqual(denied.unknown);
  });
});
