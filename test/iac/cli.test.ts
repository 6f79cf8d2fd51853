// scan --iac end to end: bad input (exit 2, file:line:col, nothing written, no content quoted),
// SARIF located on the template's lines, Markdown and text saying file:line, no secret in any output.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parseTemplate } from '../../src/iac/yaml.js';
import { repoRoot } from '../helpers/cli.js';
import { IAC_ENV, iacSnapshot, scanIac } from '../helpers/iac.js';
import { captureIo } from '../helpers/io.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';

const CANARY = 'sk_live_CANARYCANARY0123456789';

async function scanIn(cwd: string, args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const { io, stdout, stderr } = captureIo({ cwd, env: IAC_ENV });
  const code = await run(['node', 'lambda-audit', 'scan', '--no-drift', '--output', 'json=out/r.json', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

function workdir(files: Record<string, string>): string {
  const dir = tempDir('la-iac-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('bad input', () => {
  it.each([
    [
      'malformed YAML',
      'bad.yaml',
      `Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment: {Variables: {K: ${CANARY}}\n`,
      /^lambda-audit: bad\.yaml:\d+:\d+: not valid YAML or JSON: .+; expected a CloudFormation\/SAM template/,
    ],
    [
      'malformed JSON plan',
      'plan.json',
      `{"format_version": "1.2", "resource_changes": [{"change": {"after": {"environment": "${CANARY}"}}]`,
      /^lambda-audit: plan\.json:1:\d+: not valid JSON \(.+\); expected a CloudFormation template/,
    ],
    [
      'JSON that only YAML accepts (a trailing comma)',
      'template.json',
      `{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Description": "${CANARY}",}}}}`,
      /^lambda-audit: template\.json:1:\d+: not valid JSON \(.+\); expected a CloudFormation template/,
    ],
    [
      'a resource without a Type',
      'template.yaml',
      `Resources:\n  Fn:\n    Properties:\n      Environment: {Variables: {K: ${CANARY}}}\n`,
      /^lambda-audit: template\.yaml:2:3: Resources\.Fn: expected a map with a Type string\n$/,
    ],
    [
      'neither format',
      'package.json',
      `{"name": "x", "secret": "${CANARY}"}`,
      /^lambda-audit: package\.json: not a CloudFormation or SAM template \(no Resources map\), not a Terraform plan/,
    ],
    [
      'an unsupported plan version',
      'plan.json',
      '{"format_version": "2.0", "resource_changes": []}',
      /^lambda-audit: plan\.json: Terraform plan format_version 2\.0 is not supported \(expected 1\.x\)/,
    ],
  ])('%s: exit 2, says where and what was expected, writes nothing, quotes nothing', async (_, name, text, message) => {
    const cwd = workdir({ [name]: text });
    const result = await scanIn(cwd, ['--iac', name]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(CANARY);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('a malformed template found in a directory is an error too; files of neither format are skipped', async () => {
    const cwd = workdir({ 'infra/package.json': '{"name": "x"}', 'infra/stack.yaml': 'Resources: [\n' });
    const result = await scanIn(cwd, ['--iac', 'infra']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lambda-audit: infra\/stack\.yaml:\d+:\d+: not valid YAML or JSON/);
  });

  it('a path that does not exist, and --iac with --demo', async () => {
    const cwd = workdir({});
    expect((await scanIn(cwd, ['--iac', 'nope.yaml'])).stderr).toMatch(/--iac nope\.yaml: cannot read \(ENOENT\)/);
    const both = await scanIn(cwd, ['--iac', 'nope.yaml', '--demo']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--iac cannot be used with --input or --demo/);
  });

  it('--iac-param needs KEY=VALUE', async () => {
    const result = await scanIn(workdir({}), ['--iac', 'x.yaml', '--iac-param', 'Stage']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/expected KEY=VALUE/);
  });
});

interface SarifResult {
  ruleId: string;
  properties: { functionName: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
  }[];
}

describe('locations', () => {
  const ajv = new Ajv4.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(
    JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object,
  );

  it.each([
    'test/fixtures/iac/sam/template.yaml',
    'test/fixtures/iac/terraform/plan.json',
    'test/fixtures/iac/cdk.out',
  ])('SARIF from %s validates and puts each result on its resource line', async (path) => {
    const snapshot = await iacSnapshot(['--iac', path]);
    const where = new Map(snapshot.functions.map((f) => [f.name, f.location]));
    const { stdout } = await scanIac(['--iac', path, '--fail-on', 'none'], 'sarif');
    const log = JSON.parse(stdout) as { runs: { results: SarifResult[] }[] };
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = log.runs.flatMap((r) => r.results);
    expect(results.length).toBeGreaterThan(3);
    for (const result of results) {
      const at = where.get(result.properties.functionName);
      const physical = result.locations[0]?.physicalLocation;
      expect(physical?.artifactLocation).toEqual({ uri: at?.file, uriBaseId: '%SRCROOT%' });
      expect(physical?.region.startLine).toBe(at?.line);
      // GitHub wants a relative path to a file of the repository.
      expect(existsSync(join(repoRoot, at?.file ?? ''))).toBe(true);
    }
  });

  it('the line is the resource definition in the template', async () => {
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/sam/template.yaml']);
    const lines = readFileSync(join(repoRoot, 'test/fixtures/iac/sam/template.yaml'), 'utf8').split('\n');
    for (const f of snapshot.functions)
      expect(lines[(f.location?.line ?? 0) - 1]).toBe(`  ${f.location?.resource ?? ''}:`);
  });

  it('the JSON report validates, with each finding located', async () => {
    const { stdout } = await scanIac(['--iac', 'test/fixtures/iac/sam/template.yaml', '--fail-on', 'none']);
    const report = JSON.parse(stdout) as { findings: { location?: { file: string; line: number } }[] };
    expect(schemaErrors('report', report)).toBeUndefined();
    expect(report.findings.every((f) => f.location?.file === 'test/fixtures/iac/sam/template.yaml')).toBe(true);
  });

  it('text and Markdown say file:line', async () => {
    const text = await scanIac(['--iac', 'test/fixtures/iac/cdk.out', '--fail-on', 'none'], 'text');
    expect(text.stdout).toContain('(test/fixtures/iac/cdk.out/ApiStack.template.json:3)');
    const markdown = await scanIac(['--iac', 'test/fixtures/iac/cdk.out', '--fail-on', 'none'], 'markdown');
    expect(markdown.stdout).toContain('| `test/fixtures/iac/cdk.out/ApiStack.template.json:3` |');
  });
});

/** Environment values of the fixtures that could be secrets (long enough not to be a common word). */
function clearValues(): string[] {
  const values = new Set<string>();
  const walk = (v: unknown, underEnv: boolean): void => {
    if (typeof v === 'string' && underEnv && v.length >= 12) values.add(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, underEnv));
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, underEnv || k === 'Variables' || k === 'variables');
  };
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
  for (const file of [...files(join(repoRoot, 'test/fixtures/iac')), join(repoRoot, 'examples/sam-template.yaml')])
    if (/\.(ya?ml|json)$/.test(file)) walk(parseTemplate(readFileSync(file, 'utf8'), file).value, false);
  return [...values];
}

describe('secrets', () => {
  it('no clear-text environment value of a template or plan appears in any output', async () => {
    const secrets = clearValues();
    expect(secrets).toEqual(
      expect.arrayContaining([
        'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
        'hunter2-correct-horse-battery-staple',
        'sk_live_0123456789abcdefABCDEF',
      ]),
    );
    // The cross-format fixtures describe one function several times: each is scanned on its own.
    const groups = [
      ['test/fixtures/iac/sam', 'test/fixtures/iac/cfn', 'test/fixtures/iac/terraform', 'test/fixtures/iac/cdk.out'],
      ['examples/sam-template.yaml'],
      ...['sam.yaml', 'cfn.json', 'cdk.out', 'terraform'].map((p) => [`test/fixtures/iac/same/${p}`]),
    ];
    const texts: string[] = [];
    for (const group of groups) {
      const cwd = tempDir('la-iac-secrets-');
      const paths = group.flatMap((p) => ['--iac', join(repoRoot, p)]);
      const outputs = ['json', 'sarif', 'markdown', 'junit', 'snapshot'].flatMap((f) => ['--output', `${f}=${f}.out`]);
      const { io, stdout, stderr } = captureIo({ cwd, env: IAC_ENV });
      const code = await run(
        ['node', 'lambda-audit', 'scan', '--no-drift', '--output', 'text', ...outputs, ...paths],
        io,
      );
      expect(code, stderr()).toBe(1);
      const written = readdirSync(cwd).map((f) => readFileSync(join(cwd, f), 'utf8'));
      expect(written).toHaveLength(5);
      texts.push(stdout(), stderr(), ...written);
    }
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
