import { onProvider, provider } from '../../helpers/managed.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('vpc-missing', {
  valid: [
    record({ configuration: { VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-1'] } } }),
    // Lambda Managed Instances: no VpcConfig of its own, it runs in its capacity provider's VPC.
    record({ configuration: onProvider('cp'), capacityProvider: provider('cp') }),
    // Also when the provider could not be read, and from `scan --input` (no provider at all):
    // a capacity provider always has a VPC.
    record({
      configuration: onProvider('cp'),
      unknown: [{ path: 'capacityProvider', reason: 'denied', detail: 'AccessDeniedException' }],
    }),
    record({ source: 'input', configuration: onProvider('cp') }),
    // What the API returns for such a function: an empty VpcConfig next to the provider config.
    record({
      configuration: { ...onProvider('cp'), VpcConfig: { VpcId: '', SubnetIds: [], SecurityGroupIds: [] } },
    }),
  ],
  invalid: [
    { record: record() },
    // What the API returns for a function detached from its VPC.
    { record: record({ configuration: { VpcConfig: { VpcId: '', SubnetIds: [], SecurityGroupIds: [] } } }) },
  ],
});
