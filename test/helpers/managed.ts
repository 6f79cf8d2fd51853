// Lambda Managed Instances fixtures: a function on a capacity provider, and the provider.
import type { CapacityProviderInfo } from '../../src/snapshot/types.js';

export const providerArn = (name: string): string => `arn:aws:lambda:us-east-1:111122223333:capacity-provider:${name}`;

/** The configuration key that puts a function on a capacity provider. */
export const onProvider = (name: string) => ({
  CapacityProviderConfig: {
    LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: providerArn(name) },
  },
});

export function provider(name: string, extra: Partial<CapacityProviderInfo> = {}): CapacityProviderInfo {
  return {
    CapacityProviderArn: providerArn(name),
    State: 'Active',
    VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] },
    PermissionsConfig: { CapacityProviderOperatorRoleArn: 'arn:aws:iam::111122223333:role/operator' },
    ...extra,
  };
}
