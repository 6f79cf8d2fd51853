/**
 * SAM `AWS::Serverless::Function` properties -> the `AWS::Lambda::Function` properties SAM
 * generates (then read with the CloudFormation table). Properties with the same name and shape
 * are listed too, so this table is the whole list of what is read from a SAM function.
 */
import type { MappingRow } from './record.js';

/** SAM's tag map -> CloudFormation's tag list, with the tag SAM adds to every function. */
export const samTags = (v: unknown): unknown => {
  const map = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return [{ Key: 'lambda:createdBy', Value: 'SAM' }, ...Object.entries(map).map(([Key, Value]) => ({ Key, Value }))];
};

export const samFunctionTable: readonly MappingRow[] = [
  { from: 'Architectures', to: 'Architectures' },
  {
    from: 'CapacityProviderConfig.Arn',
    to: 'CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn',
  },
  {
    from: 'CapacityProviderConfig.ExecutionEnvironmentMemoryGiBPerVCpu',
    to: 'CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.ExecutionEnvironmentMemoryGiBPerVCpu',
  },
  {
    from: 'CapacityProviderConfig.PerExecutionEnvironmentMaxConcurrency',
    to: 'CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.PerExecutionEnvironmentMaxConcurrency',
  },
  { from: 'CodeSigningConfigArn', to: 'CodeSigningConfigArn' },
  { from: 'DurableConfig', to: 'DurableConfig' },
  { from: 'DeadLetterQueue.TargetArn', to: 'DeadLetterConfig.TargetArn' },
  { from: 'Description', to: 'Description' },
  { from: 'Environment', to: 'Environment' },
  { from: 'EphemeralStorage', to: 'EphemeralStorage' },
  { from: 'FileSystemConfigs', to: 'FileSystemConfigs' },
  { from: 'FunctionName', to: 'FunctionName' },
  { from: 'Handler', to: 'Handler' },
  { from: 'ImageConfig', to: 'ImageConfig' },
  { from: 'ImageUri', to: 'Code.ImageUri' },
  { from: 'KmsKeyArn', to: 'KmsKeyArn' },
  { from: 'Layers', to: 'Layers' },
  { from: 'LoggingConfig', to: 'LoggingConfig' },
  { from: 'MemorySize', to: 'MemorySize' },
  { from: 'PackageType', to: 'PackageType' },
  { from: 'ReservedConcurrentExecutions', to: 'ReservedConcurrentExecutions' },
  { from: 'Role', to: 'Role' },
  { from: 'Runtime', to: 'Runtime' },
  { from: 'SnapStart', to: 'SnapStart' },
  { from: 'Timeout', to: 'Timeout' },
  { from: 'Tracing', to: 'TracingConfig.Mode' },
  { from: 'VpcConfig', to: 'VpcConfig' },
];

/** `AWS::Serverless::CapacityProvider` -> the `AWS::Lambda::CapacityProvider` SAM generates. */
export const samCapacityProviderTable: readonly MappingRow[] = [
  { from: 'CapacityProviderName', to: 'CapacityProviderName' },
  { from: 'InstanceRequirements', to: 'InstanceRequirements' },
  { from: 'KmsKeyArn', to: 'KmsKeyArn' },
  { from: 'OperatorRole', to: 'PermissionsConfig.CapacityProviderOperatorRoleArn' },
  { from: 'VpcConfig', to: 'VpcConfig' },
];

/**
 * Event source types whose SAM event creates an `AWS::Lambda::Permission`, with the principal and
 * the source restriction SAM writes. SQS, Kinesis, DynamoDB, MSK and MQ use event source mappings
 * (the function's role reads the source), so they add no permission.
 */
export const samEventPermissions: Readonly<
  Record<string, { readonly principal: string; readonly source: 'SourceArn' | 'SourceAccount' | 'EventSourceToken' }>
> = {
  AlexaSkill: { principal: 'alexa-appkit.amazon.com', source: 'EventSourceToken' },
  Api: { principal: 'apigateway.amazonaws.com', source: 'SourceArn' },
  CloudWatchEvent: { principal: 'events.amazonaws.com', source: 'SourceArn' },
  CloudWatchLogs: { principal: 'logs.amazonaws.com', source: 'SourceArn' },
  Cognito: { principal: 'cognito-idp.amazonaws.com', source: 'SourceArn' },
  EventBridgeRule: { principal: 'events.amazonaws.com', source: 'SourceArn' },
  HttpApi: { principal: 'apigateway.amazonaws.com', source: 'SourceArn' },
  IoTRule: { principal: 'iot.amazonaws.com', source: 'SourceArn' },
  S3: { principal: 's3.amazonaws.com', source: 'SourceAccount' },
  SNS: { principal: 'sns.amazonaws.com', source: 'SourceArn' },
  Schedule: { principal: 'events.amazonaws.com', source: 'SourceArn' },
};
