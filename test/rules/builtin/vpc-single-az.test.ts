import { onProvider, provider } from '../../helpers/managed.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

const vpc = (...subnets: string[]) => ({ VpcId: 'vpc-1', SubnetIds: subnets, SecurityGroupIds: ['sg-1'] });

ruleTester('vpc-single-az', {
  valid: [
    record(), // not in a VPC
    // Two subnets in two zones.
    record({
      configuration: { VpcConfig: vpc('subnet-a', 'subnet-b') },
      subnetAvailabilityZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b' },
    }),
    // Two zones already known: a third, unresolved subnet cannot make it single-zone.
    record({
      configuration: { VpcConfig: vpc('subnet-a', 'subnet-b', 'subnet-gone') },
      subnetAvailabilityZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1c' },
    }),
    // On a capacity provider whose subnets span two zones.
    record({
      configuration: onProvider('cp'),
      capacityProvider: provider('cp'),
      subnetAvailabilityZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b' },
    }),
  ],
  invalid: [
    // Two subnets, one zone.
    {
      record: record({
        configuration: { VpcConfig: vpc('subnet-a', 'subnet-b') },
        subnetAvailabilityZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1a' },
      }),
      messageIncludes: ['2 subnet(s), all in us-east-1a', 'subnet-a, subnet-b'],
    },
    // One subnet is one zone, even when the zones could not be looked up.
    {
      record: record({
        configuration: { VpcConfig: vpc('subnet-a') },
        unknown: [{ path: 'subnetAvailabilityZones', reason: 'denied', detail: 'UnauthorizedOperation' }],
      }),
      messageIncludes: ['1 subnet(s)'],
    },
    // On a capacity provider whose two subnets share one zone: judged on the provider's VPC.
    {
      record: record({
        configuration: onProvider('cp'),
        capacityProvider: provider('cp'),
        subnetAvailabilityZones: { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1a' },
      }),
      messageIncludes: ["capacity provider cp's VPC", '2 subnet(s), all in us-east-1a'],
    },
  ],
  notJudged: [
    // On a capacity provider that could not be read.
    {
      record: record({
        configuration: onProvider('cp'),
        unknown: [{ path: 'capacityProvider', reason: 'denied', detail: 'lambda:ListCapacityProviders' }],
      }),
      path: 'capacityProvider',
    },
    // On a capacity provider, from offline input that does not carry it.
    { record: record({ source: 'input', configuration: onProvider('cp') }), path: 'capacityProvider' },
    // On a capacity provider whose zones could not be looked up.
    {
      record: record({
        configuration: onProvider('cp'),
        capacityProvider: provider('cp'),
        unknown: [{ path: 'subnetAvailabilityZones', reason: 'failed', detail: 'ec2:DescribeSubnets' }],
      }),
      path: 'subnetAvailabilityZones',
    },
    // DescribeSubnets denied.
    {
      record: record({
        configuration: { VpcConfig: vpc('subnet-a', 'subnet-b') },
        unknown: [
          { path: 'subnetAvailabilityZones', reason: 'denied', detail: 'ec2:DescribeSubnets UnauthorizedOperation' },
        ],
      }),
      path: 'subnetAvailabilityZones',
    },
    // Offline input: zones not in it.
    {
      record: record({ source: 'input', configuration: { VpcConfig: vpc('subnet-a', 'subnet-b') } }),
      path: 'subnetAvailabilityZones',
    },
    // One subnet not found, the other alone in its zone.
    {
      record: record({
        configuration: { VpcConfig: vpc('subnet-a', 'subnet-gone') },
        subnetAvailabilityZones: { 'subnet-a': 'us-east-1a' },
      }),
      path: 'subnetAvailabilityZones',
    },
    // Subnets only known at deploy time.
    {
      record: record({
        source: 'template',
        configuration: { VpcConfig: vpc('subnet-a', 'subnet-b') },
        unknown: [{ path: 'configuration.VpcConfig.SubnetIds', reason: 'plan-time', detail: '!Ref Subnets' }],
      }),
      path: 'configuration.VpcConfig.SubnetIds',
    },
  ],
});
