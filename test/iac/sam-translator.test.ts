// SAM's own translator (the aws-sam-translator Python package) against lambda-audit's expansion of
// the same template: Globals merged, IgnoreGlobals honoured, and the URL, permission and invoke
// config resources SAM adds, property for property.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfnFunctionTable } from '../../src/iac/cfn-table.js';
import { templateResources } from '../../src/iac/sam.js';
import { parseTemplate } from '../../src/iac/yaml.js';
import { repoRoot } from '../helpers/cli.js';
import { iacSnapshot } from '../helpers/iac.js';
import { tempDir } from '../helpers/temp.js';

const script = join(repoRoot, 'test/iac/sam-translate.py');

type Translated = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

function translate(text: string): Translated {
  return JSON.parse(
    execFileSync('python3', [script], {
      input: text,
      env: { ...process.env, AWS_DEFAULT_REGION: 'eu-west-1' },
    }).toString(),
  ) as Translated;
}
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
    const translated = translate(text);
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

const ROLES = 'test/fixtures/iac/roles/sam.yaml';

describe.skipIf(!hasTranslator)('the execution roles SAM generates match aws-sam-translator', () => {
  it.each([...fixtures, ROLES])('%s: property for property (Tags aside)', (fixture) => {
    const text = readFileSync(join(repoRoot, fixture), 'utf8');
    const theirs = Object.entries(translate(text).Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    const ours = templateResources(parseTemplate(text, fixture).value as Record<string, unknown>).filter(
      (r) => r.Type === 'AWS::IAM::Role',
    );
    expect(ours.map((r) => r.id).sort()).toEqual(theirs.map(([id]) => id).sort());
    for (const [id, role] of theirs) {
      // SAM tags the role (lambda:createdBy); tags are not part of the IAM facts read.
      const props = Object.fromEntries(Object.entries(role.Properties).filter(([k]) => k !== 'Tags'));
      expect(ours.find((r) => r.id === id)?.Properties, id).toEqual(props);
    }
  });

  it('the translated template read as CloudFormation gives the same snapshot.iam', async () => {
    const translated = translate(readFileSync(join(repoRoot, ROLES), 'utf8'));
    expect(
      Object.values(translated.Resources).filter((r) => r.Type === 'AWS::IAM::Role').length,
    ).toBeGreaterThanOrEqual(5);
    const dir = tempDir('la-sam-roles-');
    writeFileSync(join(dir, 'sam.json'), JSON.stringify(translated));
    const fromTranslator = await iacSnapshot(['--iac', join(dir, 'sam.json')]);
    const fromSam = await iacSnapshot(['--iac', ROLES]);
    expect(Object.keys(fromSam.iam?.[0]?.roles ?? {})).toHaveLength(5);
    expect(fromTranslator.iam).toEqual(fromSam.iam);
  });
});
