// Lambda Managed Instances and durable functions before deploy: AWS::Lambda::CapacityProvider and
// AWS::Serverless::CapacityProvider, the function's CapacityProviderConfig, DurableConfig.
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';

const MANAGED = [
  'capacity-provider-mixed-trust',
  'capacity-provider-kms-cmk-missing',
  'durable-kms-cmk-missing',
  'vpc-missing',
  'vpc-single-az',
  'vpc-ipv6-dual-stack-disabled',
];
const only = (lines: string[]) => lines.filter((l) => MANAGED.includes(l.split(' ')[0] ?? ''));

describe('--iac: capacity providers', () => {
  it('CloudFormation: functions are judged on the provider the template defines', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/managed/template.yaml']);
    expect(only(fired(report.findings))).toEqual([
      'capacity-provider-kms-cmk-missing ledger',
      'capacity-provider-kms-cmk-missing public-api',
      'capacity-provider-mixed-trust ledger',
      'capacity-provider-mixed-trust public-api',
      // CloudFormation's DurableConfig has no key property.
      'durable-kms-cmk-missing keyed',
      // One subnet is one zone.
      'vpc-single-az keyed',
    ]);
    const unjudged = report.notJudged
      .filter((n) => MANAGED.includes(n.ruleId))
      .map((n) => `${n.ruleId} ${n.path} ${n.reason} ${n.functions.map((a) => a.split(':').pop()).join(',')}`)
      .sort();
    expect(unjudged).toEqual(
      [
        // A provider outside the template: unknown before deploy.
        'capacity-provider-kms-cmk-missing capacityProvider plan-time elsewhere',
        // Two subnets: their zones are not in a template.
        'vpc-single-az subnetAvailabilityZones not-in-input ledger,public-api',
        'vpc-single-az capacityProvider plan-time elsewhere',
      ].sort(),
    );
  });

  it('CloudFormation: the record holds the provider with the ARN it will have', async () => {
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/managed/template.yaml']);
    const keyed = snapshot.functions.find((f) => f.name === 'keyed');
    expect(keyed?.capacityProvider).toEqual({
      CapacityProviderArn: 'arn:aws:lambda:us-east-1:111122223333:capacity-provider:KeyedProvider',
      VpcConfig: { SubnetIds: ['subnet-0ccc'], SecurityGroupIds: ['sg-0aaa'] },
      PermissionsConfig: { CapacityProviderOperatorRoleArn: 'arn:aws:iam::111122223333:role/operator' },
      KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/0b0b0b0b-0000-4000-8000-000000000001',
    });
    expect(
      keyed?.configuration.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn,
    ).toBe('arn:aws:lambda:us-east-1:111122223333:capacity-provider:KeyedProvider');
    expect(keyed?.configuration.DurableConfig).toEqual({ ExecutionTimeout: 3600, RetentionPeriodInDays: 7 });
  });

  it('SAM: AWS::Serverless::CapacityProvider and the function CapacityProviderConfig', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/managed/sam.yaml']);
    expect(only(fired(report.findings))).toEqual([
      // Two teams on one provider.
      'capacity-provider-mixed-trust sam-payments',
      'capacity-provider-mixed-trust sam-search',
      'durable-kms-cmk-missing sam-search',
    ]);
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/managed/sam.yaml']);
    const payments = snapshot.functions.find((f) => f.name === 'sam-payments');
    expect(payments?.capacityProvider?.CapacityProviderArn).toBe(
      'arn:aws:lambda:us-east-1:111122223333:capacity-provider:sam-provider',
    );
    expect(payments?.capacityProvider?.PermissionsConfig?.CapacityProviderOperatorRoleArn).toBe(
      'arn:aws:iam::111122223333:role/operator',
    );
    expect(
      payments?.configuration.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig
        ?.ExecutionEnvironmentMemoryGiBPerVCpu,
    ).toBe(4);
  });
});
