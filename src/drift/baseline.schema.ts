/** Closed schema of a baseline file (also shipped as schemas/baseline.schema.json; test/drift/schema.test.ts keeps them equal). */
const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;
const closed = <P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'object', additionalProperties: false, properties }) as const;

/** A mapping as baselines keep it: no timestamps, no state reasons, access configurations as type and URI. */
const eventSourceMappingSchema = {
  ...closed({
    UUID: str,
    EventSourceArn: str,
    FunctionArn: str,
    Qualifier: str,
    State: str,
    BatchSize: { type: 'integer' },
    StartingPosition: str,
    DestinationConfig: closed({ OnFailure: closed({ Destination: str }) }),
    SelfManagedEventSource: closed({ Endpoints: { type: 'object', additionalProperties: strings } }),
    SourceAccessConfigurations: { type: 'array', items: closed({ Type: str, URI: str }) },
    Topics: strings,
    Queues: strings,
    FilterCriteria: closed({ Filters: { type: 'array', items: closed({ Pattern: str }) } }),
    MaximumRetryAttempts: { type: 'integer' },
    BisectBatchOnFunctionError: { type: 'boolean' },
    MaximumRecordAgeInSeconds: { type: 'integer' },
    KMSKeyArn: str,
    AmazonManagedKafkaEventSourceConfig: closed({ ConsumerGroupId: str }),
    SelfManagedKafkaEventSourceConfig: closed({ ConsumerGroupId: str }),
  }),
  required: ['UUID'],
} as const;

const baselineSchema = {
  $id: 'https://lambda-audit.dev/schemas/baseline-1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'kind', 'account', 'region', 'envHashKeyId', 'functions'],
  properties: {
    schemaVersion: { const: 1 },
    kind: { const: 'lambda-audit-baseline' },
    account: { type: 'string' },
    region: { type: 'string' },
    envHashKeyId: { type: 'string' },
    functions: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['configuration'],
        properties: {
          configuration: {
            type: 'object',
            properties: {
              Environment: {
                type: 'object',
                properties: {
                  Variables: { type: 'object', additionalProperties: { type: 'string', pattern: '^hmac-sha256:' } },
                },
              },
            },
          },
          tags: { type: 'object', additionalProperties: { type: 'string' } },
          reservedConcurrency: { type: 'integer', minimum: 0 },
          code: {
            type: 'object',
            additionalProperties: false,
            properties: {
              RepositoryType: { type: 'string' },
              ImageUri: { type: 'string' },
              ResolvedImageUri: { type: 'string' },
              SourceKMSKeyArn: { type: 'string' },
            },
          },
          // Who can invoke it, in the snapshot's shapes (schemas/snapshot.schema.json).
          policy: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['Statement'],
                properties: {
                  Statement: {
                    type: 'array',
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['Effect'],
                      properties: {
                        Sid: { type: 'string' },
                        Effect: { enum: ['Allow', 'Deny'] },
                        Principal: {
                          type: 'object',
                          additionalProperties: { type: 'array', items: { type: 'string' } },
                        },
                        NotPrincipal: {
                          type: 'object',
                          additionalProperties: { type: 'array', items: { type: 'string' } },
                        },
                        Action: { type: 'array', items: { type: 'string' } },
                        NotAction: { type: 'array', items: { type: 'string' } },
                        Resource: { type: 'array', items: { type: 'string' } },
                        NotResource: { type: 'array', items: { type: 'string' } },
                        Condition: {
                          type: 'object',
                          additionalProperties: {
                            type: 'object',
                            additionalProperties: { type: 'array', items: { type: 'string' } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            ],
          },
          functionUrl: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['AuthType'],
                properties: {
                  FunctionUrl: { type: 'string' },
                  AuthType: { type: 'string' },
                  InvokeMode: { type: 'string' },
                  Cors: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      AllowCredentials: { type: 'boolean' },
                      AllowHeaders: { type: 'array', items: { type: 'string' } },
                      AllowMethods: { type: 'array', items: { type: 'string' } },
                      AllowOrigins: { type: 'array', items: { type: 'string' } },
                      ExposeHeaders: { type: 'array', items: { type: 'string' } },
                      MaxAge: { type: 'integer' },
                    },
                  },
                },
              },
            ],
          },
          // What the execution role can do (src/iam/resolve.ts RoleSummary).
          executionRole: {
            type: 'object',
            additionalProperties: false,
            required: ['permissions', 'facts'],
            properties: {
              permissions: { type: 'string', pattern: '^[0-9a-f]{16}$' },
              facts: { type: 'array', items: { type: 'string' } },
            },
          },
          // The event source mappings that invoke it (src/snapshot/types.ts EventSourceMappingInfo).
          eventSourceMappings: { type: 'array', items: eventSourceMappingSchema },
          // Lambda Managed Instances: the provider as read (schemas/snapshot.schema.json capacityProvider).
          capacityProvider: {
            type: 'object',
            additionalProperties: false,
            required: ['CapacityProviderArn'],
            properties: {
              CapacityProviderArn: { type: 'string' },
              State: { type: 'string' },
              VpcConfig: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  SubnetIds: { type: 'array', items: { type: 'string' } },
                  SecurityGroupIds: { type: 'array', items: { type: 'string' } },
                },
              },
              PermissionsConfig: {
                type: 'object',
                additionalProperties: false,
                properties: { CapacityProviderOperatorRoleArn: { type: 'string' } },
              },
              InstanceRequirements: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  Architectures: { type: 'array', items: { type: 'string' } },
                  AllowedInstanceTypes: { type: 'array', items: { type: 'string' } },
                  ExcludedInstanceTypes: { type: 'array', items: { type: 'string' } },
                },
              },
              KmsKeyArn: { type: 'string' },
            },
          },
          // The code signing config (schemas/snapshot.schema.json codeSigning); null = none.
          codeSigning: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['CodeSigningConfigArn', 'UntrustedArtifactOnDeployment', 'AllowedPublishers'],
                properties: {
                  CodeSigningConfigArn: { type: 'string' },
                  UntrustedArtifactOnDeployment: { type: 'string' },
                  AllowedPublishers: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['SigningProfileVersionArns'],
                    properties: { SigningProfileVersionArns: { type: 'array', items: { type: 'string' } } },
                  },
                },
              },
            ],
          },
          eventInvokeConfig: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                additionalProperties: false,
                properties: {
                  MaximumRetryAttempts: { type: 'integer', minimum: 0 },
                  MaximumEventAgeInSeconds: { type: 'integer', minimum: 0 },
                  DestinationConfig: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      OnSuccess: {
                        type: 'object',
                        additionalProperties: false,
                        properties: { Destination: { type: 'string' } },
                      },
                      OnFailure: {
                        type: 'object',
                        additionalProperties: false,
                        properties: { Destination: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            ],
          },
        },
      },
    },
  },
} as const;

export default baselineSchema;
