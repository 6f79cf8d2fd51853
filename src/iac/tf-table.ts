/**
 * Terraform (hashicorp/aws) attributes -> record paths. Nested blocks are lists of one object in
 * the plan JSON (`tracing_config[0].mode`); the paths here skip the `[0]`.
 */
import { asLayers, asStringMap, type MappingRow } from './record.js';

const reserved = (v: unknown): unknown => (v === -1 ? undefined : v);

export const tfFunctionTable: readonly MappingRow[] = [
  { from: 'architectures', to: 'configuration.Architectures' },
  { from: 'dead_letter_config.target_arn', to: 'configuration.DeadLetterConfig.TargetArn' },
  { from: 'description', to: 'configuration.Description' },
  { from: 'environment.variables', to: 'configuration.Environment.Variables', convert: asStringMap },
  { from: 'ephemeral_storage.size', to: 'configuration.EphemeralStorage.Size' },
  { from: 'handler', to: 'configuration.Handler' },
  { from: 'image_uri', to: 'code.ImageUri' },
  { from: 'kms_key_arn', to: 'configuration.KMSKeyArn' },
  { from: 'layers', to: 'configuration.Layers', convert: asLayers },
  { from: 'logging_config.application_log_level', to: 'configuration.LoggingConfig.ApplicationLogLevel' },
  { from: 'logging_config.log_format', to: 'configuration.LoggingConfig.LogFormat' },
  { from: 'logging_config.log_group', to: 'configuration.LoggingConfig.LogGroup' },
  { from: 'logging_config.system_log_level', to: 'configuration.LoggingConfig.SystemLogLevel' },
  { from: 'memory_size', to: 'configuration.MemorySize' },
  { from: 'package_type', to: 'configuration.PackageType' },
  { from: 'reserved_concurrent_executions', to: 'reservedConcurrency', convert: reserved },
  { from: 'role', to: 'configuration.Role' },
  { from: 'runtime', to: 'configuration.Runtime' },
  { from: 'snap_start.apply_on', to: 'configuration.SnapStart.ApplyOn' },
  { from: 'tags_all', to: 'tags', convert: asStringMap },
  { from: 'timeout', to: 'configuration.Timeout' },
  { from: 'tracing_config.mode', to: 'configuration.TracingConfig.Mode' },
  { from: 'vpc_config.ipv6_allowed_for_dual_stack', to: 'configuration.VpcConfig.Ipv6AllowedForDualStack' },
  { from: 'vpc_config.security_group_ids', to: 'configuration.VpcConfig.SecurityGroupIds' },
  { from: 'vpc_config.subnet_ids', to: 'configuration.VpcConfig.SubnetIds' },
  { from: 'vpc_config.vpc_id', to: 'configuration.VpcConfig.VpcId' },
];

export const tfUrlTable: readonly MappingRow[] = [
  { from: 'authorization_type', to: 'AuthType' },
  { from: 'invoke_mode', to: 'InvokeMode' },
  { from: 'cors.allow_credentials', to: 'Cors.AllowCredentials' },
  { from: 'cors.allow_headers', to: 'Cors.AllowHeaders' },
  { from: 'cors.allow_methods', to: 'Cors.AllowMethods' },
  { from: 'cors.allow_origins', to: 'Cors.AllowOrigins' },
  { from: 'cors.expose_headers', to: 'Cors.ExposeHeaders' },
  { from: 'cors.max_age', to: 'Cors.MaxAge' },
];

export const tfEventInvokeTable: readonly MappingRow[] = [
  { from: 'maximum_event_age_in_seconds', to: 'MaximumEventAgeInSeconds' },
  { from: 'maximum_retry_attempts', to: 'MaximumRetryAttempts' },
  { from: 'destination_config.on_success.destination', to: 'DestinationConfig.OnSuccess.Destination' },
  { from: 'destination_config.on_failure.destination', to: 'DestinationConfig.OnFailure.Destination' },
];

export const tfPermissionTable: readonly MappingRow[] = [
  { from: 'action', to: 'Action' },
  { from: 'principal', to: 'Principal' },
  { from: 'source_arn', to: 'SourceArn' },
  { from: 'source_account', to: 'SourceAccount' },
  { from: 'principal_org_id', to: 'PrincipalOrgID' },
  { from: 'event_source_token', to: 'EventSourceToken' },
  { from: 'function_url_auth_type', to: 'FunctionUrlAuthType' },
  { from: 'statement_id', to: 'StatementId' },
];
