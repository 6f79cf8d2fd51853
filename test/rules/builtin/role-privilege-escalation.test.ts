// role-privilege-escalation: a published method, named with its granting policy and statement.
import { describe, expect, it } from 'vitest';
import type { FunctionRecord } from '../../../src/snapshot/types.js';
import { byFunction, evaluateFleet } from '../../helpers/fleet-eval.js';
import { ADMIN, ESCALATE, SCOPED, accountIam, iamRole, managedPolicy, roleArn } from '../../helpers/iam-fixtures.js';
import { record } from '../../helpers/rule-tester.js';

const boundary = managedPolicy('NoIam', [{ Effect: 'Allow', Action: ['lambda:*', 'dynamodb:*'], Resource: '*' }]);
const iam = accountIam(
  [
    iamRole('passrole-lambda', ESCALATE),
    iamRole('put-role-policy', [{ Sid: 'SelfEdit', Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: '*' }]),
    iamRole('create-policy-version', [{ Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: '*' }]),
    iamRole('update-code', [{ Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', Resource: '*' }]),
    iamRole('scoped-passrole', [
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::111122223333:role/worker-role',
        Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
    ]),
    // AmazonDynamoDBFullAccess's shape: PassRole on "*" but only to autoscaling and DAX; Lambda and
    // Data Pipeline actions beside it. The role cannot be passed to a service that runs its code.
    iamRole('passrole-elsewhere', [
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: '*',
        Condition: {
          StringLike: { 'iam:PassedToService': ['application-autoscaling.amazonaws.com', 'dax.amazonaws.com'] },
        },
      },
      {
        Effect: 'Allow',
        Action: ['lambda:CreateFunction', 'lambda:CreateEventSourceMapping', 'datapipeline:*'],
        Resource: '*',
      },
    ]),
    // The same to Lambda, on any role: open (a role other than the function's own may be passed).
    iamRole('passrole-to-lambda', [
      {
        Sid: 'ToLambda',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
    ]),
    iamRole('denied-escalation', [...ESCALATE, { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' }]),
    iamRole('bounded-escalation', ESCALATE, { permissionsBoundary: boundary.arn }),
    iamRole('admin', [ADMIN]),
    iamRole('scoped', [SCOPED]),
  ],
  [boundary],
);

function fn(name: string): FunctionRecord {
  const base = record({ name });
  return { ...base, configuration: { ...base.configuration, Role: roleArn(name) } };
}

describe('role-privilege-escalation', () => {
  it('fires where a published method is open, and not where scope, Deny or boundary closes it', async () => {
    const names = Object.values(iam.roles).map((r) => r.name);
    const found = byFunction(await evaluateFleet(names.map(fn), [iam]), 'role-privilege-escalation');
    expect([...found.keys()].sort()).toEqual(
      ['create-policy-version', 'passrole-lambda', 'passrole-to-lambda', 'put-role-policy', 'update-code'].sort(),
    );
    // Names the granting statements, never a document.
    expect(found.get('passrole-lambda')?.message).toContain('inline policy app statement "Pass"');
    expect(found.get('put-role-policy')?.message).toContain('statement "SelfEdit"');
    expect(found.get('put-role-policy')?.message).not.toContain('{');
    expect(found.get('passrole-to-lambda')?.message).toContain('under a condition');
  });
});
