import { onProvider, provider } from '../../helpers/managed.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

const vpc = { VpcId: 'vpc-1', SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] };
ruleTester('vpc-ipv6-dual-stack-disabled', {
  valid: [
    record(),
    record({ configuration: { VpcConfig: { ...vpc, Ipv6AllowedForDualStack: true } } }),
    // A capacity provider's VpcConfig has no IPv6 setting (the SDK's CapacityProviderVpcConfig):
    // the rule does not apply to the functions on it.
    record({ configuration: onProvider('cp'), capacityProvider: provider('cp') }),
  ],
  invalid: [
    {
      record: record({ configuration: { VpcConfig: { ...vpc, Ipv6AllowedForDualStack: false } } }),
      messageIncludes: ['vpc-1'],
    },
    { record: record({ configuration: { VpcConfig: vpc } }) },
  ],
});
