// Issue 20's report, as a new user met it: `scan --input` of a get-function JSON of a Lambda Managed
// Instances function said `vpc-missing`. The function runs in its capacity provider's VPC.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';

const env = { LAMBDA_AUDIT_ENV_HASH_KEY: 'managed-test-hash-key-0123456789' };

describe('scan --input of a Lambda Managed Instances function', () => {
  it('is never vpc-missing; the VPC rules that need the provider are not judged; durable state is judged', async () => {
    const { io, stdout } = captureIo({ env });
    const file = join(repoRoot, 'test/fixtures/input/get-function-managed.json');
    const code = await run(
      ['node', 'lambda-audit', 'scan', '--no-drift', '--as-of', '2026-11-22', '--input', file, '--output', 'json'],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout()) as {
      findings: { ruleId: string }[];
      notJudged?: { ruleId: string; path: string; reason: string }[];
    };
    const rules = report.findings.map((f) => f.ruleId);
    expect(rules).not.toContain('vpc-missing');
    expect(rules).not.toContain('vpc-ipv6-dual-stack-disabled');
    expect(rules).toContain('durable-kms-cmk-missing');
    expect(rules).not.toContain('capacity-provider-kms-cmk-missing');
    const unjudged = (report.notJudged ?? []).map((n) => `${n.ruleId} ${n.path} ${n.reason}`);
    expect(unjudged).toEqual(
      expect.arrayContaining([
        'vpc-single-az capacityProvider not-in-input',
        'capacity-provider-kms-cmk-missing capacityProvider not-in-input',
      ]),
    );
  });
});
