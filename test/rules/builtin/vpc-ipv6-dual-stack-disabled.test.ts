import { record, ruleTester } from '../../helpers/rule-tester.js';

const vpc = { VpcId: 'vpc-1', SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] };
ruleTester('vpc-ipv6-dual-stack-disabled', {
  valid: [record(), record({ configuration: { VpcConfig: { ...vpc, Ipv6AllowedForDualStack: true } } })],
  invalid: [
    {
      record: record({ configuration: { VpcConfig: { ...vpc, Ipv6AllowedForDualStack: false } } }),
      messageIncludes: ['vpc-1'],
    },
    { record: record({ configuration: { VpcConfig: vpc } }) },
  ],
});
