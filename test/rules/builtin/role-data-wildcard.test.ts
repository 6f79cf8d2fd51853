// role-data-wildcard: a data action of a service on every resource of it.
import { describe, expect, it } from 'vitest';
import type { FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet } from '../../helpers/fleet-eval.js';
import { ADMIN, DATA, SCOPED, accountIam, iamRole, roleArn } from '../../helpers/iam-fixtures.js';
import { record } from '../../helpers/rule-tester.js';

const iam = accountIam([
  iamRole('s3-all', [DATA]),
  iamRole('get-any-object', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }]),
  iamRole('any-table', [{ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: 'arn:aws:dynamodb:*:*:table/*' }]),
  iamRole('any-secret', [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]),
  iamRole('one-bucket', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::uploads/*' }]),
  iamRole('scoped', [SCOPED]),
  iamRole('admin', [ADMIN]),
  iamRole('logs-only', [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }]),
]);

function fn(name: string): FunctionRecord {
  const base = record({ name });
  return { ...base, configuration: { ...base.configuration, Role: roleArn(name) } };
}

describe('role-data-wildcard', () => {
  it('fires on data actions over every resource, not on scoped ones, and not on admin roles', async () => {
    const names = Object.values(iam.roles).map((r) => r.name);
    const found = byFunction(await evaluateFleet(names.map(fn), [iam]), 'role-data-wildcard');
    expect([...found.keys()].sort()).toEqual(['any-secret', 'any-table', 'get-any-object', 's3-all']);
    expect(found.get('s3-all')?.message).toContain('s3');
    expect(found.get('any-secret')?.message).toContain('secretsmanager');
  });
});
