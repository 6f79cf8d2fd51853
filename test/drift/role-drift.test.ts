// Drift of what a function's execution role can do: the baseline keeps the role's permissions
// digest and facts; a policy attached to the role (same ARN) is drift/role-permissions, naming
// what was gained. A role not read on either side is not compared.
import { describe, expect, it } from 'vitest';
import { baselinesFrom } from '../../src/drift/baseline.js';
import { compareWithBaselines } from '../../src/drift/compare.js';
import { driftFindings } from '../../src/drift/findings.js';
import { loadDriftPolicy } from '../../src/drift/policy.js';
import type { AccountIam, FunctionRecord, Snapshot } from '../../src/snapshot/types.js';
import { ACCOUNT, ADMIN, SCOPED, accountIam, iamRole, roleArn } from '../helpers/iam-fixtures.js';
import { record } from '../helpers/rule-tester.js';

function snapshotOf(iam: readonly AccountIam[] | undefined): Snapshot {
  const base = record({ name: 'api' });
  const fn: FunctionRecord = { ...base, configuration: { ...base.configuration, Role: roleArn('api-exec') } };
  return {
    schemaVersion: 1,
    tool: { name: 'lambda-audit', version: '0.0.0' },
    generatedAt: '2026-12-01T00:00:00.000Z',
    envHashKeyId: 'k',
    regions: [
      {
        account: ACCOUNT,
        region: 'us-east-1',
        complete: true,
        listed: 1,
        fetched: 1,
        vanished: 0,
        denied: 0,
        failed: 0,
        versions: 0,
        throttled: 0,
        retries: 0,
        requests: 1,
        durationMs: 1,
      },
    ],
    functions: [fn],
    ...(iam === undefined ? {} : { iam }),
  };
}

const scoped = accountIam([iamRole('api-exec', [SCOPED])]);
const widened = accountIam([iamRole('api-exec', [SCOPED, ADMIN])]);

async function drift(before: Snapshot, after: Snapshot) {
  const policy = await loadDriftPolicy();
  const [baseline] = baselinesFrom(before);
  const file = 'baselines/111122223333/us-east-1.json';
  const report = compareWithBaselines(after, 'baselines', new Map([[file, baseline!]]), policy, []);
  return { report, findings: driftFindings(report.functions, policy) };
}

describe('execution role drift', () => {
  it('keeps what the role can do in the baseline', () => {
    const [baseline] = baselinesFrom(snapshotOf([widened]));
    expect(baseline?.functions.api?.executionRole).toEqual({
      permissions: expect.stringMatching(/^[0-9a-f]{16}$/),
      facts: ['admin', 'trust:lambda.amazonaws.com'],
    });
  });

  it('a policy attached to the same role is drift/role-permissions, naming admin as gained', async () => {
    const { report, findings } = await drift(snapshotOf([scoped]), snapshotOf([widened]));
    expect(report.functions[0]?.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'added executionRole.facts.admin',
      'changed executionRole.permissions',
    ]);
    expect(findings.map((f) => f.ruleId)).toEqual(['drift/role-permissions']);
  });

  it('the same permissions are no drift; a run that did not read the roles compares nothing of them', async () => {
    expect((await drift(snapshotOf([scoped]), snapshotOf([scoped]))).report.functions).toEqual([]);
    const skipped: AccountIam = {
      account: ACCOUNT,
      roles: {},
      policies: {},
      unknown: { path: 'iam', reason: 'skipped' },
    };
    expect((await drift(snapshotOf([scoped]), snapshotOf([skipped]))).report.functions).toEqual([]);
    expect((await drift(snapshotOf(undefined), snapshotOf([widened]))).report.functions).toEqual([]);
  });
});
