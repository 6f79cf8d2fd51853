/**
 * Every path a snapshot record can have. A condition on any other path would silently never
 * match, so it is a validation error (with a "did you mean").
 *
 * Shape notation: `LEAF` is a value; an object lists its keys; `ANY_KEY` maps any key (tags,
 * environment variables); a one-element array is a list whose items are reached with `[*]`.
 * The configuration keys follow GetFunction's response (../shared/seeds, 2026-11-22).
 */
const LEAF = 0 as const;
const ANY_KEY = '*';
type Shape = typeof LEAF | { readonly [key: string]: Shape } | readonly [Shape];

const errorShape = { ErrorCode: LEAF, Message: LEAF };
const errorInfoShape = { code: LEAF, message: LEAF, httpStatus: LEAF, attempts: LEAF };

const configurationShape = {
  FunctionName: LEAF,
  FunctionArn: LEAF,
  Runtime: LEAF,
  Role: LEAF,
  Handler: LEAF,
  CodeSize: LEAF,
  Description: LEAF,
  Timeout: LEAF,
  MemorySize: LEAF,
  LastModified: LEAF,
  CodeSha256: LEAF,
  Version: LEAF,
  VpcConfig: { SubnetIds: [LEAF], SecurityGroupIds: [LEAF], VpcId: LEAF, Ipv6AllowedForDualStack: LEAF },
  DeadLetterConfig: { TargetArn: LEAF },
  Environment: { Variables: { [ANY_KEY]: LEAF }, Error: errorShape },
  KMSKeyArn: LEAF,
  TracingConfig: { Mode: LEAF },
  MasterArn: LEAF,
  RevisionId: LEAF,
  Layers: [{ Arn: LEAF, CodeSize: LEAF, SigningProfileVersionArn: LEAF, SigningJobArn: LEAF }],
  State: LEAF,
  StateReason: LEAF,
  StateReasonCode: LEAF,
  LastUpdateStatus: LEAF,
  LastUpdateStatusReason: LEAF,
  LastUpdateStatusReasonCode: LEAF,
  FileSystemConfigs: [{ Arn: LEAF, LocalMountPath: LEAF }],
  PackageType: LEAF,
  ImageConfigResponse: {
    ImageConfig: { EntryPoint: [LEAF], Command: [LEAF], WorkingDirectory: LEAF },
    Error: errorShape,
  },
  SigningProfileVersionArn: LEAF,
  SigningJobArn: LEAF,
  Architectures: [LEAF],
  EphemeralStorage: { Size: LEAF },
  SnapStart: { ApplyOn: LEAF, OptimizationStatus: LEAF },
  RuntimeVersionConfig: { RuntimeVersionArn: LEAF, Error: errorShape },
  LoggingConfig: { LogFormat: LEAF, ApplicationLogLevel: LEAF, SystemLogLevel: LEAF, LogGroup: LEAF },
  CapacityProviderConfig: {
    LambdaManagedInstancesCapacityProviderConfig: {
      CapacityProviderArn: LEAF,
      PerExecutionEnvironmentMaxConcurrency: LEAF,
      ExecutionEnvironmentMemoryGiBPerVCpu: LEAF,
    },
  },
  DurableConfig: { KMSKeyArn: LEAF, RetentionPeriodInDays: LEAF, ExecutionTimeout: LEAF },
} as const;

/** Normalised policy statements: every value a list, `Principal` a map of principal type to list. */
const principalShape = { [ANY_KEY]: [LEAF] } as const;
const statementShape = {
  Sid: LEAF,
  Effect: LEAF,
  Principal: principalShape,
  NotPrincipal: principalShape,
  Action: [LEAF],
  NotAction: [LEAF],
  Resource: [LEAF],
  NotResource: [LEAF],
  Condition: { [ANY_KEY]: { [ANY_KEY]: [LEAF] } },
} as const;

export const recordShape = {
  arn: LEAF,
  account: LEAF,
  region: LEAF,
  name: LEAF,
  qualifier: LEAF,
  status: LEAF,
  source: LEAF,
  configuration: configurationShape,
  environmentFacts: { [ANY_KEY]: { length: LEAF, entropy: LEAF, detectors: [LEAF] } },
  tags: { [ANY_KEY]: LEAF },
  tagsError: errorShape,
  subnetAvailabilityZones: { [ANY_KEY]: LEAF },
  capacityProvider: {
    CapacityProviderArn: LEAF,
    State: LEAF,
    VpcConfig: { SubnetIds: [LEAF], SecurityGroupIds: [LEAF] },
    PermissionsConfig: { CapacityProviderOperatorRoleArn: LEAF },
    InstanceRequirements: { Architectures: [LEAF], AllowedInstanceTypes: [LEAF], ExcludedInstanceTypes: [LEAF] },
    KmsKeyArn: LEAF,
  },
  logGroup: { logGroupName: LEAF, retentionInDays: LEAF, kmsKeyId: LEAF, logGroupClass: LEAF },
  eventSourceMappings: [
    {
      UUID: LEAF,
      EventSourceArn: LEAF,
      FunctionArn: LEAF,
      Qualifier: LEAF,
      State: LEAF,
      BatchSize: LEAF,
      StartingPosition: LEAF,
      DestinationConfig: { OnFailure: { Destination: LEAF } },
      SelfManagedEventSource: { Endpoints: { [ANY_KEY]: [LEAF] } },
      SourceAccessConfigurations: [{ Type: LEAF, URI: LEAF }],
      Topics: [LEAF],
      Queues: [LEAF],
      FilterCriteria: { Filters: [{ Pattern: LEAF }] },
      MaximumRetryAttempts: LEAF,
      BisectBatchOnFunctionError: LEAF,
      MaximumRecordAgeInSeconds: LEAF,
      KMSKeyArn: LEAF,
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: LEAF },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: LEAF },
    },
  ],
  codeSigning: {
    CodeSigningConfigArn: LEAF,
    UntrustedArtifactOnDeployment: LEAF,
    AllowedPublishers: { SigningProfileVersionArns: [LEAF] },
  },
  securityGroups: {
    [ANY_KEY]: {
      GroupId: LEAF,
      GroupName: LEAF,
      VpcId: LEAF,
      notFound: LEAF,
      egress: [
        {
          IpProtocol: LEAF,
          FromPort: LEAF,
          ToPort: LEAF,
          IpRanges: [LEAF],
          Ipv6Ranges: [LEAF],
          PrefixListIds: [LEAF],
          UserIdGroupPairs: [LEAF],
        },
      ],
    },
  },
  reservedConcurrency: LEAF,
  code: { RepositoryType: LEAF, ImageUri: LEAF, ResolvedImageUri: LEAF, SourceKMSKeyArn: LEAF },
  aliases: [{ name: LEAF, functionVersion: LEAF, additionalVersionWeights: { [ANY_KEY]: LEAF } }],
  error: errorInfoShape,
  versionsError: errorInfoShape,
  policy: { Statement: [statementShape] },
  functionUrl: {
    FunctionUrl: LEAF,
    AuthType: LEAF,
    InvokeMode: LEAF,
    Cors: {
      AllowCredentials: LEAF,
      AllowHeaders: [LEAF],
      AllowMethods: [LEAF],
      AllowOrigins: [LEAF],
      ExposeHeaders: [LEAF],
      MaxAge: LEAF,
    },
  },
  eventInvokeConfig: {
    MaximumRetryAttempts: LEAF,
    MaximumEventAgeInSeconds: LEAF,
    DestinationConfig: { OnSuccess: { Destination: LEAF }, OnFailure: { Destination: LEAF } },
  },
  unknown: [{ path: LEAF, reason: LEAF, detail: LEAF }],
  location: { file: LEAF, line: LEAF, column: LEAF, resource: LEAF },
} as const satisfies Shape;

/** `configuration.Layers[*].Arn` -> ['configuration', 'Layers', '[*]', 'Arn'] */
export function splitPath(path: string): string[] {
  return path.split('.').flatMap((part) => {
    const m = /^(.+?)((?:\[\*\])+)$/.exec(part);
    if (!m) return [part];
    return [m[1] ?? part, ...Array.from({ length: (m[2]?.length ?? 0) / 3 }, () => '[*]')];
  });
}

export type PathCheck = { ok: true } | { ok: false; at: string; got: string; expected: readonly string[] };

/** Checks a path against the record shape; on failure says which segment and what was possible. */
export function checkPath(path: string): PathCheck {
  let shape: Shape = recordShape;
  const seen: string[] = [];
  for (const segment of splitPath(path)) {
    if (shape === LEAF) return { ok: false, at: seen.join('.'), got: segment, expected: [] };
    if (Array.isArray(shape)) {
      if (segment !== '[*]') return { ok: false, at: seen.join('.'), got: segment, expected: ['[*]'] };
      shape = (shape as readonly [Shape])[0];
    } else {
      const object = shape as { readonly [key: string]: Shape };
      const next = object[segment] ?? (segment !== '[*]' ? object[ANY_KEY] : undefined);
      if (next === undefined)
        return {
          ok: false,
          at: seen.join('.'),
          got: segment,
          expected: Object.keys(object).filter((k) => k !== ANY_KEY),
        };
      shape = next;
    }
    seen.push(segment);
  }
  return { ok: true };
}

/**
 * Resolves a path on a record. Without `[*]` the result is one value (or undefined); each `[*]`
 * maps over a list, so the result is the list of values found.
 */
export function compilePath(path: string): (record: unknown) => unknown {
  const segments = splitPath(path);
  if (!segments.includes('[*]')) {
    return (record) => {
      let value: unknown = record;
      for (const s of segments) {
        if (value === null || typeof value !== 'object') return undefined;
        value = (value as Record<string, unknown>)[s];
      }
      return value;
    };
  }
  return (record) => {
    let values: unknown[] = [record];
    for (const s of segments) {
      if (s === '[*]') values = values.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : []));
      else
        values = values
          .map((v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined))
          .filter((v) => v !== undefined);
    }
    return values;
  };
}

export function isSecretPath(path: string): boolean {
  return path === 'configuration.Environment' || path.startsWith('configuration.Environment.');
}
