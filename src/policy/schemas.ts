/**
 * Closed JSON Schemas for every file a user writes: policies, suppressions, config. Compiled once
 * (ajv + ajv-formats). Conditions are recursive, so each condition node is validated on its own
 * with the schema for its kind (`all`, `any`, `not`, predicate): errors then point at the exact node.
 *
 * The schemas every scan checks before its crawl (policy files, conditions, check options, config,
 * suppressions, drift policy, baselines) are compiled ahead of time: ./precompiled.generated.ts,
 * written by scripts/precompile-schemas.ts with the same ajv options. Compiling them at run time
 * was 0.1-0.25 s of CPU before a scan's first request, and loading ajv's compiler most of the rest
 * (docs/benchmarks.md, "Start-up"). A schema with no precompiled validator (one changed since the
 * file was generated, or one not in its list) is compiled here as before: the same validation,
 * only slower; test/policy/precompiled.test.ts fails until the file is generated again.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import type * as AjvModule from 'ajv';
import { SEVERITIES } from '../rules/types.js';
import { precompiled } from './precompiled.generated.js';

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } };
const accountList = { type: 'array', items: { type: 'string', pattern: '^\\d{12}$' } };
const tagMatch = { type: 'object', additionalProperties: { type: 'string' } };
const scopeFields = { regions: stringList, accounts: accountList, functions: stringList, tags: tagMatch };

/** `compliance: { framework-id: control | [controls] }`, for example `aws-foundational-security-best-practices: Lambda.2`. */
const complianceSchema = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: '^[a-z0-9]+([-.][a-z0-9]+)*$' },
  additionalProperties: {
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    ],
  },
} as const;

export const policyFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    version: { const: 1 },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'severity', 'description', 'remediation', 'docs', 'message'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*$' },
          title: { type: 'string', minLength: 1 },
          severity: { enum: SEVERITIES },
          description: { type: 'string', minLength: 1 },
          remediation: { type: 'string', minLength: 1 },
          docs: { type: 'string', format: 'uri' },
          scope: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...scopeFields,
              exclude: { type: 'object', additionalProperties: false, properties: scopeFields },
            },
          },
          condition: { type: 'object' },
          check: { type: 'string' },
          options: { type: 'object' },
          message: { type: 'string', minLength: 1 },
          compliance: complianceSchema,
        },
      },
    },
  },
} as const;

const comparison = { type: 'number' };
export const predicateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1 },
    equals: {},
    'not-equals': {},
    in: { type: 'array', minItems: 1 },
    'not-in': { type: 'array', minItems: 1 },
    exists: { type: 'boolean' },
    absent: { type: 'boolean' },
    empty: { type: 'boolean' },
    regex: { type: 'string', format: 'regex' },
    glob: { type: 'string' },
    contains: {},
    gt: comparison,
    ge: comparison,
    lt: comparison,
    le: comparison,
    length: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: { equals: { type: 'integer' }, gt: comparison, ge: comparison, lt: comparison, le: comparison },
    },
  },
} as const;

const logical = (key: 'all' | 'any') => ({
  type: 'object',
  additionalProperties: false,
  required: [key],
  properties: { [key]: { type: 'array', minItems: 1 } },
});
export const conditionSchemas = {
  all: logical('all'),
  any: logical('any'),
  not: { type: 'object', additionalProperties: false, required: ['not'], properties: { not: { type: 'object' } } },
  predicate: predicateSchema,
} as const;

export const suppressionsFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['suppressions'],
  properties: {
    version: { const: 1 },
    suppressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'resource', 'reason', 'expires', 'owner'],
        properties: {
          rule: { type: 'string', minLength: 1 },
          resource: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              arn: { type: 'string', minLength: 1 },
              name: { type: 'string', minLength: 1 },
              tags: tagMatch,
            },
          },
          reason: { type: 'string', minLength: 3 },
          expires: { type: 'string', format: 'date' },
          owner: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

export const configFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    version: { const: 1 },
    rules: {
      type: 'object',
      additionalProperties: {
        anyOf: [
          { enum: ['off', 'on'] },
          {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: { enabled: { type: 'boolean' }, severity: { enum: SEVERITIES }, options: { type: 'object' } },
          },
        ],
      },
    },
    // Days a finding of each severity may stay open before it is past its SLA (`--state`, `--fail-on-sla`).
    sla: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer', minimum: 0 }])),
    },
  },
} as const;

/** The options of every validator here, precompiled or not (scripts/precompile-schemas.ts uses them too). */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

const require = createRequire(import.meta.url);
/** ajv with ajv-formats, loaded and built on first use: a run whose schemas are all precompiled never loads it. */
export function newAjv(options: Options): Ajv {
  const { Ajv } = require('ajv') as typeof AjvModule;
  const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
  const ajv = new Ajv(options);
  addFormats(ajv);
  return ajv;
}

let compiler: Ajv | undefined;

/** What identifies a schema among the precompiled ones: a digest of its JSON text. */
export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

const cache = new WeakMap<object, ValidateFunction>();
/** One compiled validator per schema object: the precompiled one when there is one. */
export function validatorFor(schema: object): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate =
      (precompiled.get(schemaKey(schema)) as ValidateFunction | undefined) ??
      (compiler ??= newAjv(AJV_OPTIONS)).compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

/**
 * For validating many small values fast (the lines of a findings state): stops at the first error
 * instead of collecting all of them, which is what a caller reporting one error needs.
 */
let firstErrorAjv: Ajv | undefined;
const firstErrorCache = new WeakMap<object, ValidateFunction>();
export function firstErrorValidatorFor(schema: object): ValidateFunction {
  let validate = firstErrorCache.get(schema);
  if (!validate) {
    validate = (firstErrorAjv ??= newAjv({ allErrors: false, strict: true, allowUnionTypes: true })).compile(schema);
    firstErrorCache.set(schema, validate);
  }
  return validate;
}
