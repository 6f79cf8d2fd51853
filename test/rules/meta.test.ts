// Meta-tests over the registries: every built-in rule is documented, tested and well-formed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { BUILTIN_POLICY } from '../../src/policy/load.js';
import { checks } from '../../src/rules/checks/index.js';
import { SEVERITIES } from '../../src/rules/types.js';
import { repoRoot } from '../helpers/cli.js';

const REQUIRED = [
  'runtime-deprecated',
  'runtime-deprecation-soon',
  'env-kms-cmk-missing',
  'log-level-verbose',
  'log-format-text',
  'vpc-missing',
  'vpc-ipv6-dual-stack-disabled',
  'vpc-single-subnet',
  'tracing-disabled',
  'dlq-missing',
  'layer-cross-account',
  'env-secret-suspected',
  'tags-required',
  'function-state-unhealthy',
  'function-public-access',
  'function-url-public',
  'function-url-cors-wildcard',
  'function-cross-account-invoke',
];
const pack = load(readFileSync(BUILTIN_POLICY, 'utf8')) as {
  rules: { id: string; severity: string; docs: string; check?: string; description: string; remediation: string }[];
};
const docs = readFileSync(join(repoRoot, 'docs/policies.md'), 'utf8');

describe('built-in pack', () => {
  it('has every required rule', () => {
    expect(pack.rules.map((r) => r.id)).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.each(pack.rules.map((r) => [r.id, r] as const))(
    '%s has a severity, docs link, description, remediation, a test file and a docs entry',
    (id, rule) => {
      expect(SEVERITIES).toContain(rule.severity);
      expect(rule.docs).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.remediation.length).toBeGreaterThan(10);
      expect(
        existsSync(join(repoRoot, 'test/rules/builtin', `${id}.test.ts`)),
        `test/rules/builtin/${id}.test.ts`,
      ).toBe(true);
      expect(docs).toContain(`\`${id}\``);
    },
  );
});

describe('named checks', () => {
  it.each(Object.entries(checks))(
    '%s has a closed options schema, defaults that satisfy it, and a docs entry',
    (id, check) => {
      expect(check.meta.id).toBe(id);
      expect(check.meta.optionsSchema).toMatchObject({ type: 'object', additionalProperties: false });
      for (const key of Object.keys(check.meta.defaults))
        expect(Object.keys((check.meta.optionsSchema as { properties: object }).properties)).toContain(key);
      expect(docs).toContain(`\`${id}\``);
    },
  );
});
