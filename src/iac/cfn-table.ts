/**
 * CloudFormation `AWS::Lambda::Function` properties -> record paths (the names of GetFunction's
 * answer). One row per mapped property; `test/iac/tables.test.ts` has a case per row.
 */
import { PlanTime } from './intrinsics.js';
import { asBoolean, asLayers, asNumber, asStringMap, type MappingRow } from './record.js';

/** CloudFormation's `[{ Key, Value }]` tag list -> the tag map GetFunction returns. */
export const tagList = (v: unknown): unknown => {
  if (!Array.isArray(v)) return v;
  const tags: Record<string, unknown> = {};
  for (const t of v as unknown[]) {
    if (t instanceof PlanTime) return t;
    const { Key, Value } = (t ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key === 'string')
      tags[Key] = Value instanceof PlanTime ? Value : typeof Value === 'string' ? Value : JSON.stringify(Value ?? '');
  }
  return tags;
};

export const cfnFunctionTable: readonly MappingRow[] = [
  { from: 'Architectures', to: 'configuration.Architectures' },
  // Lambda Managed Instances: the provider itself is read from its resource (cfnCapacityProviderTable).
  ...(
    ['CapacityProviderArn', 'ExecutionEnvironmentMemoryGiBPerVCpu', 'PerExecutionEnvironmentMaxConcurrency'] as const
  ).map((key): MappingRow => ({
    from: `CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.${key}`,
    to: `configuration.CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.${key}`,
    ...(key === 'CapacityProviderArn' ? {} : { convert: asNumber }),
  })),
  { from: 'Code.ImageUri', to: 'code.ImageUri' },
  { from: 'DeadLetterConfig.TargetArn', to: 'configuration.DeadLetterConfig.TargetArn' },
  { from: 'Description', to: 'configuration.Description' },
  // CloudFormation's DurableConfig has no key property: a durable function from a template has none.
  { from: 'DurableConfig.ExecutionTimeout', to: 'configuration.DurableConfig.ExecutionTimeout', convert: asNumber },
  {
    from: 'DurableConfig.RetentionPeriodInDays',
    to: 'configuration.DurableConfig.RetentionPeriodInDays',
    convert: asNumber,
  },
  { from: 'Environment.Variables', to: 'configuration.Environment.Variables', convert: asStringMap },
  { from: 'EphemeralStorage.Size', to: 'configuration.EphemeralStorage.Size', convert: asNumber },
  { from: 'FileSystemConfigs', to: 'configuration.FileSystemConfigs' },
  { from: 'FunctionName', to: 'configuration.FunctionName' },
  { from: 'Handler', to: 'configuration.Handler' },
  { from: 'ImageConfig', to: 'configuration.ImageConfigResponse.ImageConfig' },
  { from: 'KmsKeyArn', to: 'configuration.KMSKeyArn' },
  { from: 'Layers', to: 'configuration.Layers', convert: asLayers },
  { from: 'LoggingConfig.ApplicationLogLevel', to: 'configuration.LoggingConfig.ApplicationLogLevel' },
  { from: 'LoggingConfig.LogFormat', to: 'configuration.LoggingConfig.LogFormat' },
  { from: 'LoggingConfig.LogGroup', to: 'configuration.LoggingConfig.LogGroup' },
  { from: 'LoggingConfig.SystemLogLevel', to: 'configuration.LoggingConfig.SystemLogLevel' },
  { from: 'MemorySize', to: 'configuration.MemorySize', convert: asNumber },
  { from: 'PackageType', to: 'configuration.PackageType' },
  { from: 'ReservedConcurrentExecutions', to: 'reservedConcurrency', convert: asNumber },
  { from: 'Role', to: 'configuration.Role' },
  { from: 'Runtime', to: 'configuration.Runtime' },
  { from: 'SnapStart.ApplyOn', to: 'configuration.SnapStart.ApplyOn' },
  { from: 'Tags', to: 'tags', convert: tagList },
  { from: 'Timeout', to: 'configuration.Timeout', convert: asNumber },
  { from: 'TracingConfig.Mode', to: 'configuration.TracingConfig.Mode' },
  {
    from: 'VpcConfig.Ipv6AllowedForDualStack',
    to: 'configuration.VpcConfig.Ipv6AllowedForDualStack',
    convert: asBoolean,
  },
  { from: 'VpcConfig.SecurityGroupIds', to: 'configuration.VpcConfig.SecurityGroupIds' },
  { from: 'VpcConfig.SubnetIds', to: 'configuration.VpcConfig.SubnetIds' },
];

/** `AWS::Lambda::CapacityProvider` -> `capacityProvider` (ListCapacityProviders' names). */
export const cfnCapacityProviderTable: readonly MappingRow[] = [
  { from: 'InstanceRequirements.AllowedInstanceTypes', to: 'InstanceRequirements.AllowedInstanceTypes' },
  { from: 'InstanceRequirements.Architectures', to: 'InstanceRequirements.Architectures' },
  { from: 'InstanceRequirements.ExcludedInstanceTypes', to: 'InstanceRequirements.ExcludedInstanceTypes' },
  { from: 'KmsKeyArn', to: 'KmsKeyArn' },
  {
    from: 'PermissionsConfig.CapacityProviderOperatorRoleArn',
    to: 'PermissionsConfig.CapacityProviderOperatorRoleArn',
  },
  { from: 'VpcConfig.SecurityGroupIds', to: 'VpcConfig.SecurityGroupIds' },
  { from: 'VpcConfig.SubnetIds', to: 'VpcConfig.SubnetIds' },
];

/** `AWS::Lambda::Url` -> `functionUrl` (GetFunctionUrlConfig's names). */
export const cfnUrlTable: readonly MappingRow[] = [
  { from: 'AuthType', to: 'AuthType' },
  { from: 'InvokeMode', to: 'InvokeMode' },
  { from: 'Cors.AllowCredentials', to: 'Cors.AllowCredentials', convert: asBoolean },
  { from: 'Cors.AllowHeaders', to: 'Cors.AllowHeaders' },
  { from: 'Cors.AllowMethods', to: 'Cors.AllowMethods' },
  { from: 'Cors.AllowOrigins', to: 'Cors.AllowOrigins' },
  { from: 'Cors.ExposeHeaders', to: 'Cors.ExposeHeaders' },
  { from: 'Cors.MaxAge', to: 'Cors.MaxAge', convert: asNumber },
];

/** `AWS::Lambda::EventInvokeConfig` -> `eventInvokeConfig` (GetFunctionEventInvokeConfig's names). */
export const cfnEventInvokeTable: readonly MappingRow[] = [
  { from: 'MaximumEventAgeInSeconds', to: 'MaximumEventAgeInSeconds', convert: asNumber },
  { from: 'MaximumRetryAttempts', to: 'MaximumRetryAttempts', convert: asNumber },
  { from: 'DestinationConfig.OnSuccess.Destination', to: 'DestinationConfig.OnSuccess.Destination' },
  { from: 'DestinationConfig.OnFailure.Destination', to: 'DestinationConfig.OnFailure.Destination' },
];

/** `AWS::Lambda::Permission` -> AddPermission's parameters (`statementFromPermission`). */
export const cfnPermissionTable: readonly MappingRow[] = [
  { from: 'Action', to: 'Action' },
  { from: 'Principal', to: 'Principal' },
  { from: 'SourceArn', to: 'SourceArn' },
  { from: 'SourceAccount', to: 'SourceAccount' },
  { from: 'PrincipalOrgID', to: 'PrincipalOrgID' },
  { from: 'EventSourceToken', to: 'EventSourceToken' },
  { from: 'FunctionUrlAuthType', to: 'FunctionUrlAuthType' },
  { from: 'InvokedViaFunctionUrl', to: 'InvokedViaFunctionUrl', convert: asBoolean },
];
