/**
 * The snapshot is the data model every later stage reads: crawl -> snapshot -> evaluate -> drift
 * -> report. It is what the crawler saw, with secrets already removed (see `redact.ts`), so any
 * stage may write it anywhere.
 *
 * JSON Schema: `schemas/snapshot.schema.json` (kept in step by `test/snapshot/schema.test.ts`).
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';

export const SNAPSHOT_SCHEMA_VERSION = 1;

/**
 * - `ok`: fetched with GetFunction (or listed with its version, for published versions).
 * - `vanished`: listed, then gone by the time it was fetched (deleted in between). Not an error.
 * - `denied`: listed, but GetFunction was refused (AccessDenied); the listed configuration is kept.
 * - `failed`: still failing after every retry; the listed configuration is kept with the error.
 */
export type RecordStatus = 'ok' | 'vanished' | 'denied' | 'failed';

/** A function's configuration as the API returns it, minus secrets. */
export type RedactedConfiguration = FunctionConfiguration;

/** What the crawler learned about an environment variable's value before replacing it by a hash. */
export interface EnvValueFacts {
  /** Length of the value in characters. */
  readonly length: number;
  /** Shannon entropy of the value in bits per character, rounded to 2 decimals. */
  readonly entropy: number;
  /** Names of the secret detectors the value matched (for example `aws-access-key-id`), never the value. */
  readonly detectors: readonly string[];
  /**
   * What the value looks like (see `valueShape` in redact.ts). `token` and `text` can hold a secret;
   * `uuid` and `hex` only under a secret-like name; the others say what the value is instead.
   */
  readonly shape:
    | 'empty'
    | 'url'
    | 'arn'
    | 'number'
    | 'text'
    | 'token'
    | 'boolean'
    | 'duration'
    | 'uuid'
    | 'hex'
    | 'file-path'
    | 'ssm-path'
    | 'secret-name'
    | 'reference'
    | 'email'
    | 'hostname';
}

export interface ErrorInfo {
  /** The API's error code (`AccessDeniedException`, `ServiceException`, `TimeoutError`, ...). */
  readonly code: string;
  /** The API's message, with anything that looks like a URL query or a token removed. */
  readonly message: string;
  /** HTTP status, when there was a response. */
  readonly httpStatus?: number;
  /** Attempts made, including the first. */
  readonly attempts: number;
}

export interface CodeMetadata {
  readonly RepositoryType?: string;
  readonly ImageUri?: string;
  readonly ResolvedImageUri?: string;
  readonly SourceKMSKeyArn?: string;
}

export interface AliasInfo {
  readonly name: string;
  readonly functionVersion: string;
  /** Weighted routing: other versions this alias sends a share of traffic to. */
  readonly additionalVersionWeights?: Readonly<Record<string, number>>;
}

export interface FunctionRecord {
  /** The function ARN; for a published version, the qualified ARN (`...:function:name:3`). */
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  /** `$LATEST` or a published version number. */
  readonly qualifier: string;
  readonly status: RecordStatus;
  /** Which call the configuration came from. */
  readonly source: RecordSource;
  readonly configuration: RedactedConfiguration;
  /** Facts about each environment variable value, keyed like `configuration.Environment.Variables`. */
  readonly environmentFacts?: Readonly<Record<string, EnvValueFacts>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly tagsError?: { readonly ErrorCode?: string | undefined; readonly Message?: string | undefined };
  /**
   * VPC functions: the Availability Zone of each subnet (EC2 DescribeSubnets), subnet id -> zone name.
   * Absent when not looked up (`unknown` then says why, when the crawler tried); a subnet EC2 does not
   * know (deleted) is left out.
   */
  readonly subnetAvailabilityZones?: Readonly<Record<string, string>>;
  /**
   * Lambda Managed Instances: the capacity provider named by `configuration.CapacityProviderConfig`
   * (ListCapacityProviders, once per region; IaC: the template's provider resource). The function
   * runs in the provider's VPC, so the VPC rules judge the provider's `VpcConfig`. Absent on other
   * functions; absent with an unknown part `capacityProvider` when it could not be read.
   */
  readonly capacityProvider?: CapacityProviderInfo;
  /**
   * The function's CloudWatch Logs log group (`LoggingConfig.LogGroup`, else `/aws/lambda/<name>`;
   * DescribeLogGroups once per region, src/crawl/log-groups.ts; IaC: the template's log group).
   * `null`: read, and there is no such group (the function has not logged yet). Absent with an
   * unknown part `logGroup` when it could not be read (or `--no-log-groups`).
   */
  readonly logGroup?: LogGroupInfo | null;
  /**
   * The event source mappings that invoke this function (ListEventSourceMappings, once per region;
   * IaC: the template's mappings and SAM events), a qualified mapping (an alias or version) included
   * with its `Qualifier`. `[]`: read, none. Only on the function's own record (`$LATEST`); absent with
   * an unknown part `eventSourceMappings` when they could not be read.
   */
  readonly eventSourceMappings?: readonly EventSourceMappingInfo[];
  /**
   * Code signing: the code signing config that names the function (ListCodeSigningConfigs and
   * ListFunctionsByCodeSigningConfig, once per region; IaC: `CodeSigningConfigArn`), or `null` when
   * it was read and none does. Absent when not read (`unknown` then says why, when the crawler
   * tried) and on image functions of a region that has no Zip function (nothing to read).
   */
  readonly codeSigning?: CodeSigningInfo | null;
  /**
   * VPC functions: the security groups the function runs with (its own `VpcConfig.SecurityGroupIds`,
   * or its capacity provider's), keyed by group id, with their egress rules (EC2
   * DescribeSecurityGroups; IaC: the template's groups). A group EC2 does not know (deleted) is kept
   * with `notFound: true`. Absent when not looked up: `unknown` then says why (`securityGroups`).
   */
  readonly securityGroups?: Readonly<Record<string, SecurityGroupInfo>>;
  /** Reserved concurrency; absent when none is reserved. */
  readonly reservedConcurrency?: number;
  /** Code metadata from GetFunction; `Location` (a presigned URL) is never kept. */
  readonly code?: CodeMetadata;
  /** Aliases that route traffic to this version (with `--include-versions`). */
  readonly aliases?: readonly AliasInfo[];
  readonly error?: ErrorInfo;
  /** With `--include-versions`: listing this function's versions or aliases failed after retries. */
  readonly versionsError?: ErrorInfo;
  /**
   * The resource-based policy (GetPolicy), parsed and normalised; `null` when the function has none.
   * Absent when not read: `unknown` then says why.
   */
  readonly policy?: ResourcePolicy | null;
  /** The function URL (GetFunctionUrlConfig); `null` when there is none; absent when not read. */
  readonly functionUrl?: FunctionUrlInfo | null;
  /** Asynchronous invocation settings (GetFunctionEventInvokeConfig); `null` when none; absent when not read. */
  readonly eventInvokeConfig?: EventInvokeInfo | null;
  /**
   * Parts of the record whose value is not known: not read (denied, failed, skipped by a flag, not in
   * the input) or not known before deploy (an unresolved `!GetAtt`, Terraform's `after_unknown`).
   * A rule whose verdict depends on one of them does not fire; the report counts it as not judged.
   */
  readonly unknown?: readonly UnknownPart[];
  /** Infrastructure as code: where the function is defined (file relative to the working directory). */
  readonly location?: SourceLocation;
}

/**
 * Where a record came from. `ListVersionsByFunction`: a published version's record (listed today
 * with `ListFunctions FunctionVersion=ALL`; the name is kept so snapshots and baselines compare).
 * `template`: a CloudFormation/SAM template or CDK output; `plan`: a Terraform plan
 * (`terraform show -json`).
 */
/** `ListAliases`: an alias (`--include-versions`), holding its own policy and URL only (src/crawl/alias-records.ts). */
export type RecordSource =
  'GetFunction' | 'ListFunctions' | 'ListVersionsByFunction' | 'ListAliases' | 'input' | 'template' | 'plan';

/**
 * Why a part is unknown:
 * - `denied`: the read was refused (AccessDenied); the run is incomplete.
 * - `failed`: the read failed after every retry; the run is incomplete.
 * - `skipped`: not read by choice (a flag such as `--no-exposure`, or a read the crawler proved unnecessary).
 * - `not-in-input`: offline input that does not carry this part (list-functions JSON has no tags).
 * - `plan-time`: infrastructure as code whose value is only known at deploy time.
 * - `other-account`: the part lives in another account the run did not read (an execution role of
 *   another account).
 */
export type UnknownReason = 'denied' | 'failed' | 'skipped' | 'not-in-input' | 'plan-time' | 'other-account';

export interface UnknownPart {
  /**
   * A record path without `[*]` (`policy`, `tags`, `configuration.KMSKeyArn`,
   * `configuration.Environment.Variables.DB_PASSWORD`). It covers everything below it.
   */
  readonly path: string;
  readonly reason: UnknownReason;
  /** What the reader should know: the API error code, or the unresolved expression (`!GetAtt Key.Arn`). */
  readonly detail?: string;
}

export interface SourceLocation {
  /** Relative to the working directory, with `/` separators (what GitHub code scanning expects). */
  readonly file: string;
  /** 1-based line of the resource (or of the property, when known). */
  readonly line: number;
  readonly column?: number;
  /** CloudFormation logical id, Terraform address, or CDK construct path. */
  readonly resource?: string;
}

/**
 * A resource-based policy statement, normalised so conditions need one shape: every single value
 * becomes a one-element list, and `"Principal": "*"` becomes `{ "AWS": ["*"] }` (AWS treats them alike).
 */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, readonly string[]>>;
  readonly NotPrincipal?: Readonly<Record<string, readonly string[]>>;
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  /** Identity policies may name the resources a statement does not cover instead. */
  readonly NotResource?: readonly string[];
  /** Operator -> condition key -> values, as in IAM (`StringEquals: { "aws:SourceAccount": ["1111..."] }`). */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface ResourcePolicy {
  readonly Statement: readonly PolicyStatement[];
}

/** An IAM policy document (identity, trust or boundary) in the same normalised shape. */
export type PolicyDocument = ResourcePolicy;

/**
 * One account's IAM as far as execution roles need it, stored once per account and referenced by
 * role ARN from the functions (`configuration.Role`): 1,000 functions on one role share one copy.
 * From a crawl: IAM GetAccountAuthorizationDetails (src/crawl/roles.ts); from IaC: the template's
 * roles and policies (src/iac/roles.ts).
 */
export interface AccountIam {
  readonly account: string;
  /** Role ARN -> role. */
  readonly roles: Readonly<Record<string, IamRole>>;
  /**
   * Managed policy ARN -> its default version. Customer managed policies and the AWS managed ones
   * the read returned (IaC: the shipped AWS managed policy data). A policy attached to a role but
   * missing here is unknown, never empty.
   */
  readonly policies: Readonly<Record<string, IamManagedPolicy>>;
  /**
   * The read could not be made, or not finished (`path: "iam"`, reason `denied`, `failed` or
   * `skipped` for `--no-roles`): role rules on this account's functions are not judged.
   */
  readonly unknown?: UnknownPart;
}

export interface IamRole {
  readonly arn: string;
  readonly name: string;
  /** The trust policy (AssumeRolePolicyDocument). */
  readonly trustPolicy: PolicyDocument;
  readonly inlinePolicies: readonly IamInlinePolicy[];
  /** ARNs of the attached managed policies, customer and AWS managed. */
  readonly managedPolicies: readonly string[];
  /** ARN of the permissions boundary's managed policy, when there is one. */
  readonly permissionsBoundary?: string;
  /**
   * Parts of the role not known (IaC: a policy built from an expression unknown until deploy, a
   * managed policy ARN that is a parameter). Path relative to the role (`inlinePolicies`,
   * `managedPolicies`, `permissionsBoundary`, `trustPolicy`).
   */
  readonly unknown?: readonly UnknownPart[];
}

export interface IamInlinePolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface IamManagedPolicy {
  readonly arn: string;
  readonly name: string;
  /** The default version's id (`v3`), when known. */
  readonly version?: string;
  readonly document: PolicyDocument;
}

/** A capacity provider as far as rules need it (the SDK's `CapacityProvider`, without timestamps). */
/** A security group as a rule needs it: who it is and where it lets traffic out. */
export interface SecurityGroupInfo {
  readonly GroupId: string;
  readonly GroupName?: string;
  readonly VpcId?: string;
  /** Outbound rules (`IpPermissionsEgress`), trimmed to what they allow; absent when not found. */
  readonly egress?: readonly SecurityGroupEgressRule[];
  /** The group was asked for and EC2 (or the template) does not have it. */
  readonly notFound?: true;
}

/** One outbound permission: protocol (`-1` = all), port range, and its destinations. */
export interface SecurityGroupEgressRule {
  readonly IpProtocol: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  /** IPv4 CIDRs (`CidrIp`). */
  readonly IpRanges?: readonly string[];
  /** IPv6 CIDRs (`CidrIpv6`). */
  readonly Ipv6Ranges?: readonly string[];
  /** Managed prefix list ids. */
  readonly PrefixListIds?: readonly string[];
  /** Destination security group ids. */
  readonly UserIdGroupPairs?: readonly string[];
}

export interface CapacityProviderInfo {
  readonly CapacityProviderArn: string;
  readonly State?: string;
  /** The provider's VPC: every function on it runs there. No IPv6 setting exists for it. */
  readonly VpcConfig?: { readonly SubnetIds?: readonly string[]; readonly SecurityGroupIds?: readonly string[] };
  readonly PermissionsConfig?: { readonly CapacityProviderOperatorRoleArn?: string };
  readonly InstanceRequirements?: {
    readonly Architectures?: readonly string[];
    readonly AllowedInstanceTypes?: readonly string[];
    readonly ExcludedInstanceTypes?: readonly string[];
  };
  /** Customer managed KMS key of the instances' EBS volumes; absent: an AWS managed key. */
  readonly KmsKeyArn?: string;
}

/** A log group as far as rules need it (the SDK's `LogGroup`, without sizes and timestamps). */
export interface LogGroupInfo {
  readonly logGroupName: string;
  /** Days its events are kept; absent: kept forever. */
  readonly retentionInDays?: number;
  /** The KMS key its events are encrypted with; absent: CloudWatch Logs' own encryption. */
  readonly kmsKeyId?: string;
  /** `STANDARD`, `INFREQUENT_ACCESS`, `DELIVERY`. */
  readonly logGroupClass?: string;
}

/**
 * An event source mapping as far as rules and baselines need it (the SDK's
 * `EventSourceMappingConfiguration`, without what changes on its own: LastModified,
 * StateTransitionReason, LastProcessingResult).
 */
export interface EventSourceMappingInfo {
  readonly UUID: string;
  /** Absent for a self-managed Kafka source (its brokers are in `SelfManagedEventSource`). */
  readonly EventSourceArn?: string;
  /** As the mapping names it: possibly qualified with a version or alias. */
  readonly FunctionArn?: string;
  /** The version or alias of a qualified `FunctionArn`. */
  readonly Qualifier?: string;
  readonly State?: string;
  readonly BatchSize?: number;
  readonly StartingPosition?: string;
  readonly DestinationConfig?: { readonly OnFailure?: { readonly Destination?: string } };
  readonly SelfManagedEventSource?: { readonly Endpoints?: Readonly<Record<string, readonly string[]>> };
  /** Type and URI (a secret's ARN, a subnet or security group id), never the secret. */
  readonly SourceAccessConfigurations?: readonly { readonly Type?: string; readonly URI?: string }[];
  readonly Topics?: readonly string[];
  readonly Queues?: readonly string[];
  readonly FilterCriteria?: { readonly Filters?: readonly { readonly Pattern?: string }[] };
  readonly MaximumRetryAttempts?: number;
  readonly BisectBatchOnFunctionError?: boolean;
  readonly MaximumRecordAgeInSeconds?: number;
  readonly KMSKeyArn?: string;
  readonly AmazonManagedKafkaEventSourceConfig?: { readonly ConsumerGroupId?: string };
  readonly SelfManagedKafkaEventSourceConfig?: { readonly ConsumerGroupId?: string };
}

/** A code signing config as far as rules and drift need it (the SDK's `CodeSigningConfig`, without timestamps). */
export interface CodeSigningInfo {
  readonly CodeSigningConfigArn: string;
  /** `Enforce` blocks a deployment whose signature checks fail; `Warn` (the default) only logs it. */
  readonly UntrustedArtifactOnDeployment: string;
  /** The signing profile versions the config trusts, sorted. */
  readonly AllowedPublishers: { readonly SigningProfileVersionArns: readonly string[] };
}

export interface FunctionUrlInfo {
  readonly FunctionUrl?: string;
  /** `NONE` (no IAM auth) or `AWS_IAM`. */
  readonly AuthType: string;
  /** `BUFFERED` or `RESPONSE_STREAM`. */
  readonly InvokeMode?: string;
  readonly Cors?: {
    readonly AllowCredentials?: boolean;
    readonly AllowHeaders?: readonly string[];
    readonly AllowMethods?: readonly string[];
    readonly AllowOrigins?: readonly string[];
    readonly ExposeHeaders?: readonly string[];
    readonly MaxAge?: number;
  };
}

export interface EventInvokeInfo {
  readonly MaximumRetryAttempts?: number;
  readonly MaximumEventAgeInSeconds?: number;
  readonly DestinationConfig?: {
    readonly OnSuccess?: { readonly Destination?: string };
    readonly OnFailure?: { readonly Destination?: string };
  };
}

export interface RegionStats {
  readonly account: string;
  readonly region: string;
  /** True when every listed function has a record and the listing itself finished. */
  readonly complete: boolean;
  readonly listed: number;
  readonly fetched: number;
  readonly vanished: number;
  readonly denied: number;
  readonly failed: number;
  /** Exposure parts (policy, function URL, invoke config) of fetched functions whose read was denied. */
  readonly partsDenied?: number;
  /** Exposure parts of fetched functions whose read failed after every retry. */
  readonly partsFailed?: number;
  readonly versions: number;
  /** TooManyRequestsException (429) answers seen. */
  readonly throttled: number;
  /** Attempts beyond the first, for any reason. */
  readonly retries: number;
  /** HTTP requests sent, including retries. */
  readonly requests: number;
  readonly durationMs: number;
  /** Why the region is incomplete (for example the listing failed after retries). */
  readonly error?: ErrorInfo;
}

export interface Snapshot {
  readonly schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'lambda-audit'; readonly version: string };
  readonly generatedAt: string;
  /** Identifies the key used for environment value hashes; hashes under different keys do not compare. */
  readonly envHashKeyId: string;
  readonly regions: readonly RegionStats[];
  readonly functions: readonly FunctionRecord[];
  /** Accounts of the organisation left out of the crawl (suspended, closed, excluded), sorted; absent when none. */
  readonly skippedAccounts?: readonly SkippedAccountInfo[];
  /**
   * `scan --shard K/N`: which shard of a run this snapshot is, so `merge` can tell that one is
   * missing (src/org/merge.ts). Absent from an unsharded run's snapshot and from a merged one.
   */
  readonly shard?: ShardInfo;
  /**
   * Execution roles and their policies, one entry per account read (sorted by account); absent when
   * roles were not read at all (an older snapshot, offline input without IAM).
   */
  readonly iam?: readonly AccountIam[];
}

export interface ShardInfo {
  /** K, 1-based. */
  readonly index: number;
  /** N: how many shards the run has. */
  readonly count: number;
  /**
   * With `--shard-balance`: identifies the split (a digest of the account-region -> shard
   * assignment); every shard of one run has the same. Absent when the shards go by hash.
   */
  readonly balance?: string;
}

/** An account left out, and why (src/org/accounts.ts). */
export interface SkippedAccountInfo {
  readonly account: string;
  readonly name?: string;
  readonly reason: string;
}
