import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('vpc-single-subnet', {
  valid: [record(), record({ configuration: { VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-a', 'subnet-b'] } } })],
  invalid: [
    {
      record: record({ configuration: { VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-a'] } } }),
      messageIncludes: ['subnet-a'],
    },
  ],
});
