import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('vpc-missing', {
  valid: [
    record({ configuration: { VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'] } } }),
  ],
  invalid: [
    { record: record() },
    // What the API returns for a function detached from its VPC.
    { record: record({ configuration: { VpcConfig: { VpcId: '', SubnetIds: [], SecurityGroupIds: [] } } }) },
  ],
});
