// Compliance mappings: the built-in table, user policies declaring their own, --compliance.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/validate.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { BUILTIN_COMPLIANCE, FSBP } from '../../src/rules/compliance.js';
import { captureIo } from '../helpers/io.js';
import { scanFixture } from '../helpers/fixture-scan.js';
import { tempDir } from '../helpers/temp.js';

const policy = (compliance: string): string => `version: 1
rules:
  - id: team/memory-small
    title: Small memory
    severity: low
    description: The function has the smallest memory size.
    remediation: Give it more memory.
    docs: https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
    condition: { path: configuration.MemorySize, le: 128 }
    message: "{name} has 128 MB"
${compliance}
`;

function write(text: string): string {
  const file = join(tempDir('la-compliance-'), 'policy.yaml');
  writeFileSync(file, text);
  return file;
}

interface Report {
  rules: { id: string; compliance?: { framework: string; control: string }[] }[];
  findings: { ruleId: string }[];
}

describe('compliance mappings', () => {
  it('maps every built-in rule with a Security Hub counterpart to its FSBP Lambda control', async () => {
    const rules = await loadRuleSet({ asOf: new Date('2026-11-22') });
    const mapped = Object.fromEntries(rules.filter((r) => r.compliance).map((r) => [r.id, r.compliance]));
    expect(mapped).toMatchObject({
      'function-public-access': [{ framework: FSBP, control: 'Lambda.1' }],
      'runtime-deprecated': [{ framework: FSBP, control: 'Lambda.2' }],
      'vpc-missing': [{ framework: FSBP, control: 'Lambda.3' }],
      'vpc-single-az': [{ framework: FSBP, control: 'Lambda.5' }],
      'tags-required': [{ framework: FSBP, control: 'Lambda.6' }],
      'tracing-disabled': [{ framework: FSBP, control: 'Lambda.7' }],
    });
    for (const refs of Object.values(BUILTIN_COMPLIANCE))
      for (const ref of refs) expect(ref.control).toMatch(/^Lambda\.[1-7]$/);
  });

  it('takes mappings from a user policy, sorted, and shows them in the JSON report', async () => {
    const file = write(policy('    compliance:\n      my-baseline: [LAM-2, LAM-1]\n      ' + FSBP + ': Lambda.5'));
    const report = JSON.parse((await scanFixture('json', ['--fail-on', 'none', '--policy', file])).stdout) as Report;
    expect(report.rules.find((r) => r.id === 'team/memory-small')?.compliance).toEqual([
      { framework: FSBP, control: 'Lambda.5' },
      { framework: 'my-baseline', control: 'LAM-1' },
      { framework: 'my-baseline', control: 'LAM-2' },
    ]);
  });

  it.each([
    ['a number as control', '    compliance:\n      my-baseline: 7'],
    ['an empty list', '    compliance:\n      my-baseline: []'],
    ['a framework id with spaces', '    compliance:\n      "My Baseline": [X-1]'],
  ])('rejects %s at its line (exit 2)', async (_, yaml) => {
    const file = write(policy(yaml));
    const { io, stderr } = captureIo();
    expect(await runValidate([file], io)).toBe(2);
    expect(stderr()).toMatch(new RegExp(`${file}:1[0-2]:\\d+`));
  });
});

describe('--compliance FRAMEWORK', () => {
  it('runs only the rules mapped to the framework', async () => {
    const report = JSON.parse(
      (await scanFixture('json', ['--fail-on', 'none', '--compliance', FSBP])).stdout,
    ) as Report;
    expect(report.rules.map((r) => r.id).sort()).toEqual([
      'function-public-access',
      'runtime-deprecated',
      'tags-required',
      'tracing-disabled',
      'vpc-missing',
      'vpc-single-az',
    ]);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) expect(report.rules.map((r) => r.id)).toContain(f.ruleId);
  });

  it('refuses a framework no loaded rule maps to, naming the known ones (exit 2)', async () => {
    const result = await scanFixture('json', ['--compliance', 'cis-aws-foundations-benchmark']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`frameworks of the loaded rules: ${FSBP}`);
    expect(result.stdout).toBe('');
  });
});
