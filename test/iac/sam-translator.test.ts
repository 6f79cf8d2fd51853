// SAM's own translator (the aws-sam-translator Python package) against lambda-audit's expansion of
// the same template: Globals merged, IgnoreGlobals honoured, and the URL, permission and invoke
// config resources SAM adds, property for property.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfnFunctionTable } from '../../src/iac/cfn-table.js';
import { templateResources } from '../../src/iac/sam.js';
import { parseTemplate } from '../../src/iac/yaml.js';
import { repoRoot } from '../helpers/cli.js';

const script = join(repoRoot, 'test/iac/sam-translate.py');
const hasTranslator = spawnSync('python3', ['-c', 'import samtranslator'], { stdio: 'ignore' }).status === 0;
if (!hasTranslator) console.warn('skipping the SAM translator comparison: python3 with aws-sam-translator is missing');

const fixtures = [
  'test/fixtures/iac/sam/template.yaml',
  'test/fixtures/iac/same/sam.yaml',
  'examples/sam-template.yaml',
];
/** Properties SAM generates that the audit does not read from the template (the role, the code). */
const notCompared = new Set(['Role', 'Code']);

describe.skipIf(!hasTranslator)('SAM expansion matches aws-sam-translator', () => {
  it.each(fixtures)('%s', (fixture) => {
    const text = readFileSync(join(repoRoot, fixture), 'utf8');
    const translated = JSON.parse(
      execFileSync('python3', [script], {
        input: text,
        env: { ...process.env, AWS_DEFAULT_REGION: 'eu-west-1' },
      }).toString(),
    ) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const ours = new Map(
      templateResources(parseTemplate(text, fixture).value as Record<string, unknown>).map((r) => [r.id, r]),
    );
    const lambda = Object.entries(translated.Resources).filter(
      ([, r]) => r.Type.startsWith('AWS::Lambda::') && r.Type !== 'AWS::Lambda::EventSourceMapping',
    );
    expect(lambda.length).toBeGreaterThan(0);
    const mapped = new Set(cfnFunctionTable.map((row) => row.from.split('.')[0]));
    for (const [id, resource] of lambda) {
      const mine = ours.get(id);
      expect(mine?.Type, id).toBe(resource.Type);
      const pick = (props: Record<string, unknown>): Record<string, unknown> =>
        Object.fromEntries(
          Object.entries(props).filter(
            ([k]) => !notCompared.has(k) && (resource.Type !== 'AWS::Lambda::Function' || mapped.has(k)),
          ),
        );
      expect(pick(mine?.Properties ?? {}), id).toEqual(pick(resource.Properties));
    }
  });
});
