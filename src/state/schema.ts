/** Closed schema of a findings-state file (also shipped as schemas/state.schema.json; test/state/file.test.ts keeps them equal). */
import { SEVERITIES } from '../rules/types.js';

const counts = {
  type: 'object',
  additionalProperties: false,
  required: [...SEVERITIES],
  properties: Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer', minimum: 0 }])),
} as const;

const stateSchema = {
  $id: 'https://lambda-audit.dev/schemas/state-1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'kind', 'runs', 'findings'],
  properties: {
    schemaVersion: { const: 1 },
    kind: { const: 'lambda-audit-state' },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'open', 'new', 'resolved', 'reopened'],
        properties: {
          at: { type: 'string', format: 'date-time' },
          open: counts,
          new: { type: 'integer', minimum: 0 },
          resolved: { type: 'integer', minimum: 0 },
          reopened: { type: 'integer', minimum: 0 },
        },
      },
    },
    findings: {
      type: 'object',
      propertyNames: { pattern: '^[0-9a-f]{32}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['ruleId', 'arn', 'severity', 'firstSeen', 'lastSeen'],
        properties: {
          ruleId: { type: 'string', minLength: 1 },
          arn: { type: 'string', pattern: '^arn:[^:]+:lambda:[^:]*:[^:]*:function:' },
          severity: { enum: [...SEVERITIES] },
          firstSeen: { type: 'string', format: 'date-time' },
          lastSeen: { type: 'string', format: 'date-time' },
          resolvedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

export default stateSchema;
