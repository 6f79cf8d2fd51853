// Checks for the ASFF and OCSF outputs: the attributes each format requires, as ajv validators.
import { Ajv } from 'ajv';

/**
 * The required top-level ASFF attributes (Security Hub user guide, "Required top-level ASFF
 * attributes") with the shapes and limits BatchImportFindings enforces on them.
 */
export const asffSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: [
      'AwsAccountId',
      'CreatedAt',
      'Description',
      'GeneratorId',
      'Id',
      'ProductArn',
      'Resources',
      'SchemaVersion',
      'Title',
      'UpdatedAt',
      'FindingProviderFields',
    ],
    // Severity and Types: the provider's in FindingProviderFields always; at the top level only on
    // a finding's first import (after that they are the customer's: BatchImportFindings' rules).
    dependentRequired: { Severity: ['Types'], Types: ['Severity'] },
    properties: {
      AwsAccountId: { type: 'string', pattern: '^\\d{12}$' },
      CreatedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
      UpdatedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
      Description: { type: 'string', minLength: 1, maxLength: 1024 },
      Title: { type: 'string', minLength: 1, maxLength: 256 },
      GeneratorId: { type: 'string', minLength: 1, maxLength: 512 },
      Id: { type: 'string', minLength: 1, maxLength: 512 },
      ProductArn: {
        type: 'string',
        pattern: '^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\\d{12}:product/\\d{12}/default$',
      },
      SchemaVersion: { const: '2018-10-08' },
      Severity: {
        type: 'object',
        required: ['Label'],
        properties: { Label: { enum: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] } },
      },
      FindingProviderFields: {
        type: 'object',
        required: ['Severity', 'Types'],
        properties: {
          Severity: {
            type: 'object',
            required: ['Label'],
            properties: { Label: { enum: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] } },
          },
          Types: { type: 'array', minItems: 1, maxItems: 50 },
        },
      },
      FirstObservedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
      LastObservedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
      Types: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        items: {
          type: 'string',
          pattern:
            '^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(/[^/]+){0,2}$',
        },
      },
      Resources: {
        type: 'array',
        minItems: 1,
        maxItems: 32,
        items: {
          type: 'object',
          required: ['Type', 'Id'],
          properties: {
            Type: { const: 'AwsLambdaFunction' },
            Id: { type: 'string', pattern: '^arn:aws[a-z-]*:lambda:' },
            Region: { type: 'string' },
            Partition: { enum: ['aws', 'aws-cn', 'aws-us-gov'] },
          },
        },
      },
      Workflow: { type: 'object', properties: { Status: { enum: ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'] } } },
      RecordState: { enum: ['ACTIVE', 'ARCHIVED'] },
      Compliance: {
        type: 'object',
        required: ['Status'],
        properties: {
          Status: { enum: ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'] },
          RelatedRequirements: { type: 'array', maxItems: 32, items: { type: 'string' } },
        },
      },
    },
  },
} as const;

/** What OCSF 1.3.0 requires of a Detection Finding (class 2004) and of the objects we fill. */
export const ocsfSchema = {
  type: 'object',
  required: ['activity_id', 'category_uid', 'class_uid', 'type_uid', 'severity_id', 'time', 'metadata', 'finding_info'],
  properties: {
    activity_id: { enum: [1, 2, 3, 99] },
    category_uid: { const: 2 },
    class_uid: { const: 2004 },
    type_uid: { enum: [200401, 200402, 200403] },
    severity_id: { enum: [1, 2, 3, 4, 5] },
    status_id: { enum: [1, 2, 3, 4] },
    time: { type: 'integer' },
    metadata: {
      type: 'object',
      required: ['product', 'version'],
      properties: {
        version: { const: '1.3.0' },
        product: { type: 'object', required: ['name', 'vendor_name', 'version'] },
      },
    },
    finding_info: {
      type: 'object',
      required: ['uid', 'title', 'desc'],
      properties: { uid: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
    },
    cloud: {
      type: 'object',
      required: ['provider', 'account'],
      properties: { account: { type: 'object', required: ['uid'] } },
    },
    resources: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['uid', 'type', 'region'] },
    },
    compliance: { type: 'object', required: ['standards', 'control'] },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
export const validAsff = ajv.compile(asffSchema);
export const validOcsf = ajv.compile(ocsfSchema);
