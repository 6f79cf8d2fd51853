// role-admin-access: every action on every resource, after boundary and Deny.
import { describe, expect, it } from 'vitest';
import type { AccountIam, FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet, notJudgedBy } from '../../helpers/fleet-eval.js';
import {
  ACCOUNT,
  ADMIN,
  OTHER,
  SCOPED,
  accountIam,
  iamRole,
  managedPolicy,
  roleArn,
} from '../../helpers/iam-fixtures.js';
import { record } from '../../helpers/rule-tester.js';

const adminAccess = managedPolicy('AdministratorAccess', [ADMIN], 'aws');
const readOnlyBoundary = managedPolicy('OnlyGetObject', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
const adminBoundary = managedPolicy('AdminBoundary', [ADMIN]);

const iam = accountIam(
  [
    iamRole('inline-admin', [ADMIN]),
    iamRole('managed-admin', [], { managedPolicies: [adminAccess.arn] }),
    iamRole('boundary-capped', [ADMIN], { permissionsBoundary: readOnlyBoundary.arn }),
    iamRole('boundary-admin', [ADMIN], { permissionsBoundary: adminBoundary.arn }),
    iamRole('admin-with-deny', [ADMIN, { Effect: 'Deny', Action: 's3:*', Resource: '*' }]),
    iamRole('admin-conditional-deny', [
      ADMIN,
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]),
    iamRole('mfa-admin', [{ ...ADMIN, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }]),
    iamRole('scoped', [SCOPED]),
    iamRole('missing-managed', [], { managedPolicies: [`arn:aws:iam::${ACCOUNT}:policy/Gone`] }),
  ],
  [adminAccess, readOnlyBoundary, adminBoundary],
);

function fn(name: string, role = name, account = ACCOUNT): FunctionRecord {
  const base = record({ name });
  return { ...base, configuration: { ...base.configuration, Role: roleArn(role, account) } };
}

const names = [
  'inline-admin',
  'managed-admin',
  'boundary-capped',
  'boundary-admin',
  'admin-with-deny',
  'admin-conditional-deny',
  'mfa-admin',
  'scoped',
  'missing-managed',
];

describe('role-admin-access', () => {
  it('fires on admin roles only, after boundary and Deny', async () => {
    const found = byFunction(
      await evaluateFleet(
        names.map((n) => fn(n)),
        [iam],
      ),
      'role-admin-access',
    );
    expect([...found.keys()].sort()).toEqual(
      ['admin-conditional-deny', 'boundary-admin', 'inline-admin', 'managed-admin', 'mfa-admin'].sort(),
    );
    expect(found.get('managed-admin')?.message).toContain('AdministratorAccess statement #1');
    expect(found.get('inline-admin')?.message).toContain('inline policy app statement #1');
    expect(found.get('mfa-admin')?.message).toContain('under a condition');
    expect(found.get('inline-admin')?.message).not.toContain('under a condition');
  });

  it('is not judged where the role or a policy of it is unknown', async () => {
    const denied: AccountIam = { account: OTHER, roles: {}, policies: {}, unknown: { path: 'iam', reason: 'denied' } };
    const evaluation = await evaluateFleet(
      [fn('missing-managed'), fn('elsewhere', 'x', OTHER), fn('foreign', 'y', '444455556666')],
      [iam, denied],
    );
    const notJudged = notJudgedBy(evaluation, 'role-admin-access');
    expect(notJudged.has('missing-managed')).toBe(true);
    expect(notJudged.get('elsewhere')).toBe('iam denied');
    expect(notJudged.get('foreign')).toBe('iam other-account');
    expect(byFunction(evaluation, 'role-admin-access').size).toBe(0);
  });

  it('is not judged on input that carries no IAM, and skipped with --no-roles', async () => {
    expect(notJudgedBy(await evaluateFleet([fn('inline-admin')]), 'role-admin-access').get('inline-admin')).toBe(
      'iam not-in-input',
    );
    const skipped: AccountIam = {
      account: ACCOUNT,
      roles: {},
      policies: {},
      unknown: { path: 'iam', reason: 'skipped' },
    };
    expect(
      notJudgedBy(await evaluateFleet([fn('inline-admin')], [skipped]), 'role-admin-access').get('inline-admin'),
    ).toBe('iam skipped');
  });
});
