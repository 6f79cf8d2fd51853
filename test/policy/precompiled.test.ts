/**
 * The precompiled validators (src/policy/precompiled.generated.ts) are the schemas' own: generated
 * from the schemas as they are now, used by validatorFor, and reporting the errors ajv's compiler
 * reports for the same value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, generate, precompiledSchemas } from '../../scripts/precompile-schemas.js';
import { precompiled } from '../../src/policy/precompiled.generated.js';
import {
  AJV_OPTIONS,
  conditionSchemas,
  configFileSchema,
  newAjv,
  policyFileSchema,
  schemaKey,
  suppressionsFileSchema,
  validatorFor,
} from '../../src/policy/schemas.js';
import { checks } from '../../src/rules/checks/index.js';

describe('precompiled validators', () => {
  it('are generated from the schemas as they are (else: npm run schemas:precompile)', () => {
    expect(readFileSync(GENERATED, 'utf8') === generate(), 'run npm run schemas:precompile').toBe(true);
  });

  it('are what validatorFor gives for every schema a scan checks before its crawl', () => {
    const schemas = precompiledSchemas();
    expect(schemas.length).toBeGreaterThan(Object.keys(checks).length / 2);
    for (const schema of schemas) {
      const validate = validatorFor(schema);
      expect(validate).toBe(precompiled.get(schemaKey(schema)));
    }
  });

  const compiler = newAjv(AJV_OPTIONS);
  const cases: [string, object, unknown][] = [
    [
      'policy file',
      policyFileSchema,
      {
        version: 2,
        rules: [{ id: 'Bad Id', title: '', severity: 'urgent', docs: 'not a uri', scope: { accounts: ['12'] } }],
        extra: true,
      },
    ],
    ['policy file, a valid one', policyFileSchema, { rules: [] }],
    ['predicate', conditionSchemas.predicate, { path: '', regex: '(', in: [], bogus: 1 }],
    ['all', conditionSchemas.all, { all: 'x', any: [] }],
    ['config', configFileSchema, { rules: { r: 'maybe', s: { severity: 'urgent' } }, sla: { high: -1 }, x: 1 }],
    ['suppressions', suppressionsFileSchema, { suppressions: [{ rule: 1, expires: 'soon' }] }],
    ...Object.entries(checks).map(([id, check]): [string, object, unknown] => [
      `options of ${id}`,
      check.meta.optionsSchema as object,
      { bogus: [1] },
    ]),
  ];
  it.each(cases)('report the errors ajv reports: %s', (_name, schema, value) => {
    const ours = validatorFor(schema);
    const theirs = compiler.compile(schema);
    expect(ours(value)).toBe(theirs(value));
    expect(ours.errors ?? null).toEqual(theirs.errors ?? null);
  });
});
