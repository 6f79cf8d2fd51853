/** Closed schema of a baseline file (also shipped as schemas/baseline.schema.json; test/drift/schema.test.ts keeps them equal). */
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
        },
      },
    },
  },
} as const;

export default baselineSchema;
