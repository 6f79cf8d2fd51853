// Small IAM fixtures for rule tests: roles in the snapshot's normalised shape.
import { normalisePolicy } from '../../src/snapshot/policy.js';
import type { AccountIam, IamManagedPolicy, IamRole } from '../../src/snapshot/types.js';

export const ACCOUNT = '111122223333';
export const OTHER = '999988887777';

export const LAMBDA_TRUST = normalisePolicy({
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export function roleArn(name: string, account = ACCOUNT): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

/** A role with one inline policy holding `statements` (and whatever `extra` overrides). */
export function iamRole(name: string, statements: readonly object[], extra: Partial<IamRole> = {}): IamRole {
  return {
    arn: roleArn(name),
    name,
    trustPolicy: LAMBDA_TRUST,
    inlinePolicies:
      statements.length === 0 ? [] : [{ name: 'app', document: normalisePolicy({ Statement: statements }) }],
    managedPolicies: [],
    ...extra,
  };
}

export function managedPolicy(name: string, statements: readonly object[], account = ACCOUNT): IamManagedPolicy {
  return {
    arn: account === 'aws' ? `arn:aws:iam::aws:policy/${name}` : `arn:aws:iam::${account}:policy/${name}`,
    name,
    version: 'v1',
    document: normalisePolicy({ Statement: statements }),
  };
}

export function accountIam(
  roles: readonly IamRole[],
  policies: readonly IamManagedPolicy[] = [],
  account = ACCOUNT,
): AccountIam {
  return {
    account,
    roles: Object.fromEntries(roles.map((r) => [r.arn, r])),
    policies: Object.fromEntries(policies.map((p) => [p.arn, p])),
  };
}

export const ADMIN = { Effect: 'Allow', Action: '*', Resource: '*' };
export const SCOPED = {
  Effect: 'Allow',
  Action: 'dynamodb:GetItem',
  Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
};
export const ESCALATE = [
  { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
  { Sid: 'Create', Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
];
export const DATA = { Sid: 'AllS3', Effect: 'Allow', Action: 's3:*', Resource: '*' };
