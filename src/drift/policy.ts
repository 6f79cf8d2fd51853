/** The drift severity policy (policies/drift.yaml): validated like every user file, then compiled. */
import { fileURLToPath } from 'node:url';
import { PolicyValidationError } from '../policy/issues.js';
import { readDocument } from '../policy/load.js';
import { schemaIssues } from '../policy/schema-issues.js';
import { validatorFor } from '../policy/schemas.js';
import { globToRegExp } from '../rules/condition.js';
import { pathPrefixes } from './diff.js';
import { SEVERITIES, type RuleMeta, type Severity } from '../rules/types.js';

export const DRIFT_POLICY = fileURLToPath(new URL('../../policies/drift.yaml', import.meta.url));
const DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html';

export const driftPolicySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    version: { const: 1 },
    ignore: { type: 'array', items: { type: 'string', minLength: 1 } },
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'on', 'title', 'severity', 'description', 'remediation'],
        properties: {
          id: { type: 'string', pattern: '^drift/[a-z0-9]+(-[a-z0-9]+)*$' },
          on: { enum: ['added', 'removed', 'changed'] },
          paths: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          title: { type: 'string', minLength: 1 },
          severity: { enum: SEVERITIES },
          description: { type: 'string', minLength: 1 },
          remediation: { type: 'string', minLength: 1 },
          docs: { type: 'string', format: 'uri' },
        },
      },
    },
  },
} as const;

interface DriftRuleDef {
  readonly id: string;
  readonly on: 'added' | 'removed' | 'changed';
  readonly paths?: readonly string[];
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly docs?: string;
}

export interface DriftRule extends RuleMeta {
  readonly on: DriftRuleDef['on'];
  readonly matches: (path: string) => boolean;
}

export interface DriftPolicy {
  readonly ignore: readonly string[];
  readonly rules: readonly DriftRule[];
}

export async function loadDriftPolicy(file = DRIFT_POLICY, cwd?: string): Promise<DriftPolicy> {
  const ctx = await readDocument(file, cwd);
  const issues = schemaIssues(ctx, validatorFor(driftPolicySchema), ctx.doc.value, '');
  if (issues.length > 0) throw new PolicyValidationError(issues);
  const value = ctx.doc.value as { ignore?: string[]; rules: DriftRuleDef[] };
  return {
    ignore: value.ignore ?? [],
    rules: value.rules.map((r) => {
      const globs = (r.paths ?? ['*']).map((p) => globToRegExp(p));
      return {
        id: r.id,
        on: r.on,
        title: r.title,
        severity: r.severity,
        description: r.description,
        remediation: r.remediation,
        docs: r.docs ?? DOCS,
        source: file,
        // A path covers everything below it: `configuration.VpcConfig` matches `configuration.VpcConfig.SubnetIds[subnet-1]`.
        matches: (path) => globs.some((g) => g.test(path) || pathPrefixes(path).some((p) => g.test(p))),
      };
    }),
  };
}
