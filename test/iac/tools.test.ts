// The real tools: cfn-lint validates the CloudFormation and SAM fixtures, and terraform (with the
// hashicorp/aws provider from a local mirror, offline) regenerates the committed plans, which must
// give the same records. Each test skips with a notice when its tool is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { iacSnapshot } from '../helpers/iac.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool, terraformMirror } from '../helpers/tools.js';

const mirror = terraformMirror();

const templates = [
  'examples/sam-template.yaml',
  'test/fixtures/iac/sam/template.yaml',
  'test/fixtures/iac/cfn/variants.yaml',
  'test/fixtures/iac/pseudo/template.yaml',
  'test/fixtures/iac/same/sam.yaml',
  'test/fixtures/iac/same/cfn.json',
  'test/fixtures/iac/same/cdk.out/SameStack.template.json',
  'test/fixtures/iac/cdk.out/ApiStack.template.json',
  'test/fixtures/iac/cdk.out/WorkerStack.template.json',
  'test/fixtures/iac/roles/sam.yaml',
  'test/fixtures/iac/roles/cfn.yaml',
  'test/fixtures/iac/roles/cdk.out/RolesStack.template.json',
];

describeWithTool('cfn-lint', 'cfn-lint', () => {
  // One cfn-lint run for every template (it takes seconds to start); each template is one case.
  // E2533: the fixtures use deprecated runtimes on purpose (they are what the audit must find).
  let output = '';
  let status: number | null = null;
  beforeAll(() => {
    const result = spawnSync('cfn-lint', ['--ignore-checks', 'E2533', '--format', 'parseable', '--', ...templates], {
      cwd: repoRoot,
    });
    output = result.stdout.toString() + result.stderr.toString();
    status = result.status;
  });
  it.each(templates)('%s is a valid template', (template) => {
    expect(output.split('\n').filter((line) => line.startsWith(`${template}:`))).toEqual([]);
  });
  it('exits 0', () => {
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});

describeWithTool('terraform', 'terraform', () => {
  it.each([
    'test/fixtures/iac/terraform',
    'test/fixtures/iac/terraform-defaults',
    'test/fixtures/iac/same/terraform',
    'test/fixtures/iac/terraform-esm',
    'test/fixtures/iac/terraform-sg',
    'test/fixtures/iac/terraform-logs',
    'test/fixtures/iac/code-signing/terraform',
  ])(
    '%s/generate.sh makes a plan that reads as the committed one',
    async (fixture) => {
      const dir = join(tempDir('la-tf-'), 'tf');
      cpSync(join(repoRoot, fixture), dir, { recursive: true });
      execFileSync(join(dir, 'generate.sh'), { env: { ...process.env, TF_MIRROR: mirror }, stdio: 'ignore' });
      const fresh = await iacSnapshot(['--iac', join(dir, 'plan.json')]);
      const committed = await iacSnapshot(['--iac', join(repoRoot, fixture, 'plan.json')]);
      const strip = (s: typeof fresh) =>
        s.functions.map(({ location, ...rest }) => ({ ...rest, line: location?.line }));
      expect(strip(fresh)).toEqual(strip(committed));
      expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toMatchObject({ format_version: '1.2' });
    },
    180_000,
  );
});
