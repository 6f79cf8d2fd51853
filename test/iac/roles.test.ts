// Execution roles from IaC into snapshot.iam, as a crawl stores them: SAM's generated roles,
// CloudFormation roles and their attached policies, Terraform plans, a cdk.out; what is unknown.
// Expected role facts per function: test/fixtures/iac/roles/expected.json.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsManagedPolicy, managedPolicyArn, managedPolicySource } from '../../src/iac/managed-policies.js';
import type { AccountIam, FunctionRecord, IamRole, Snapshot } from '../../src/snapshot/types.js';
import { repoRoot } from '../helpers/cli.js';
import { iacSnapshot } from '../helpers/iac.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool, terraformMirror } from '../helpers/tools.js';

const DIR = 'test/fixtures/iac/roles';
const expected = JSON.parse(readFileSync(join(repoRoot, DIR, 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, { role: string | null; unknown: string[] }>
>;
const fixtures = {
  sam: `${DIR}/sam.yaml`,
  cfn: `${DIR}/cfn.yaml`,
  terraform: `${DIR}/terraform/plan.json`,
  cdk: `${DIR}/cdk.out`,
} as const;

function roleOf(snapshot: Snapshot, fn: FunctionRecord): IamRole | undefined {
  return snapshot.iam?.find((a) => a.account === fn.account)?.roles[fn.configuration.Role ?? ''];
}

function byName(snapshot: Snapshot, name: string): FunctionRecord {
  const fn = snapshot.functions.find((f) => f.name === name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
}

const statements = (role: IamRole | undefined): unknown[] =>
  (role?.inlinePolicies ?? []).flatMap((p) => p.document.Statement);

describe('every fixture: snapshot.iam keyed by the role ARN the records hold', () => {
  it.each(Object.entries(fixtures))('%s', async (key, path) => {
    const snapshot = await iacSnapshot(['--iac', path]);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    const accounts = [...new Set(snapshot.functions.map((f) => f.account))].sort();
    expect(snapshot.iam?.map((a) => a.account)).toEqual(accounts);
    const want = expected[key] ?? {};
    expect(snapshot.functions.map((f) => f.name).sort()).toEqual(Object.keys(want).sort());
    for (const [name, facts] of Object.entries(want)) {
      const fn = byName(snapshot, name);
      const role = roleOf(snapshot, fn);
      if (facts.role === null) {
        // Outside the template: the record says so, and the account's IAM has no such role.
        expect(fn.unknown, name).toContainEqual(
          expect.objectContaining({ path: 'configuration.Role', reason: 'plan-time' }),
        );
        expect(role, name).toBeUndefined();
      } else {
        expect(fn.configuration.Role, name).toBe(facts.role);
        expect(role?.arn, name).toBe(facts.role);
        expect(fn.unknown?.map((u) => u.path) ?? [], name).not.toContain('configuration.Role');
        expect((role?.unknown ?? []).map((u) => u.path).sort(), name).toEqual(facts.unknown);
        expect(role?.trustPolicy.Statement.length, name).toBeGreaterThan(0);
      }
    }
  });
});

describe('SAM', () => {
  it('models the role SAM creates: managed policies, templates, boundary, event sources, DLQ', async () => {
    const snapshot = await iacSnapshot(['--iac', fixtures.sam]);
    const iam = snapshot.iam?.[0] as AccountIam;
    const basic = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
    const admin = roleOf(snapshot, byName(snapshot, 'sam-admin'));
    expect(admin?.managedPolicies).toEqual([basic, 'arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(admin?.trustPolicy).toEqual({
      Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
    });
    // Tracing adds X-Ray; the inline statements keep their Sids.
    const escalate = roleOf(snapshot, byName(snapshot, 'sam-escalate'));
    expect(escalate?.managedPolicies).toContain('arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess');
    expect(statements(escalate)).toContainEqual(expect.objectContaining({ Sid: 'PassAnyRole', Resource: ['*'] }));
    const boundary = roleOf(snapshot, byName(snapshot, 'sam-boundary'));
    expect(boundary?.permissionsBoundary).toBe('arn:aws:iam::000000000000:policy/read-only-boundary');
    expect(iam.policies['arn:aws:iam::000000000000:policy/read-only-boundary']?.document.Statement).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: ['*'] },
    ]);
    const scoped = roleOf(snapshot, byName(snapshot, 'sam-scoped'));
    expect(scoped?.managedPolicies).toEqual([
      basic,
      'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
    ]);
    expect(scoped?.inlinePolicies.map((p) => p.name)).toEqual([
      'DeadLetterQueuePolicy',
      'SamScopedRolePolicy0',
      'SamScopedRolePolicy1',
      'SamScopedRolePolicy2',
    ]);
    // Template parameters substituted; resources of the template kept as unknown, never as wildcards.
    expect(statements(scoped)).toContainEqual(
      expect.objectContaining({
        Resource: [
          'arn:aws:dynamodb:(unknown: AWS::Region):000000000000:table/orders',
          'arn:aws:dynamodb:(unknown: AWS::Region):000000000000:table/orders/index/*',
        ],
      }),
    );
    expect(statements(scoped)).toContainEqual(
      expect.objectContaining({
        Resource: ['arn:aws:s3:::(unknown: Ref Uploads)', 'arn:aws:s3:::(unknown: Ref Uploads)/*'],
      }),
    );
    // The AWS managed policies the roles name, from the shipped data, once per account.
    expect(Object.keys(iam.policies)).toEqual(
      expect.arrayContaining([
        basic,
        'arn:aws:iam::aws:policy/AdministratorAccess',
        'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess',
        'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
      ]),
    );
    expect(iam.policies['arn:aws:iam::aws:policy/AdministratorAccess']).toEqual({
      arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      name: 'AdministratorAccess',
      version: 'v1',
      document: { Statement: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }] },
    });
  });

  it('marks what it cannot model unknown: an unknown template, a parameterless managed policy, MQ events', async () => {
    const dir = tempDir('la-roles-');
    writeFileSync(
      join(dir, 'template.yaml'),
      `Transform: AWS::Serverless-2016-10-31
Parameters:
  PolicyArn: { Type: String }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: odd
      Runtime: python3.12
      Handler: index.handler
      CodeUri: s3://b/k.zip
      Policies:
        - NoSuchPolicyTemplate: { X: y }
        - !Ref PolicyArn
        - arn:aws:iam::aws:policy/AmazonRedshiftFullAccess
      Events:
        Broker:
          Type: MQ
          Properties: { Broker: arn:aws:mq:eu-west-1:123456789012:broker:b, Queues: [q], SourceAccessConfigurations: [] }
`,
    );
    const snapshot = await iacSnapshot(['--iac', join(dir, 'template.yaml')]);
    const role = roleOf(snapshot, byName(snapshot, 'odd'));
    expect(role?.unknown?.map((u) => u.path).sort()).toEqual(['inlinePolicies', 'inlinePolicies', 'managedPolicies']);
    // An AWS managed policy the data does not hold is attached but absent from policies: unknown, not empty.
    expect(role?.managedPolicies).toContain('arn:aws:iam::aws:policy/AmazonRedshiftFullAccess');
    expect(snapshot.iam?.[0]?.policies['arn:aws:iam::aws:policy/AmazonRedshiftFullAccess']).toBeUndefined();
  });
});

describe('CloudFormation', () => {
  it('reads the role and the Policy, RolePolicy and ManagedPolicy resources attached to it', async () => {
    const snapshot = await iacSnapshot(['--iac', fixtures.cfn]);
    const iam = snapshot.iam?.[0] as AccountIam;
    expect(statements(roleOf(snapshot, byName(snapshot, 'cfn-admin')))).toEqual([
      { Effect: 'Allow', Action: ['*'], Resource: ['*'] },
    ]);
    const escalate = roleOf(snapshot, byName(snapshot, 'cfn-escalate'));
    expect(escalate?.inlinePolicies.map((p) => p.name)).toEqual(['pass-any-role', 'make-functions']);
    const boundary = roleOf(snapshot, byName(snapshot, 'cfn-boundary'));
    expect(boundary?.permissionsBoundary).toBe('arn:aws:iam::000000000000:policy/cfn-read-only-boundary');
    expect(iam.policies[boundary?.permissionsBoundary ?? '']).toBeDefined();
    const trust = roleOf(snapshot, byName(snapshot, 'cfn-trust'));
    expect(trust?.managedPolicies).toEqual(['arn:aws:iam::000000000000:policy/ScopedPolicy']);
    expect(iam.policies['arn:aws:iam::000000000000:policy/ScopedPolicy']?.document.Statement).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: ['(unknown: Orders.Arn)'] },
    ]);
    expect(trust?.trustPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { AWS: ['arn:aws:iam::999988887777:root'] } }),
    );
    // The policy built from a parameter with no value is unknown; the known one is kept.
    const data = roleOf(snapshot, byName(snapshot, 'cfn-data'));
    expect(data?.inlinePolicies.map((p) => p.name)).toEqual(['all-of-s3']);
    expect(data?.unknown).toEqual([expect.objectContaining({ path: 'inlinePolicies', reason: 'plan-time' })]);
    expect(JSON.stringify(snapshot.iam)).not.toContain('[object Object]');
  });

  it('a role whose documents differ between variants has those parts unknown', async () => {
    const dir = tempDir('la-roles-');
    writeFileSync(
      join(dir, 'variants.yaml'),
      `Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
Conditions:
  Prod: !Equals [!Ref Stage, prod]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
      ManagedPolicyArns: [!If [Prod, arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, arn:aws:iam::aws:policy/AdministratorAccess]]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: staged
      Runtime: python3.12
      Handler: index.handler
      Code: { ZipFile: x }
      Role: !GetAtt Role.Arn
`,
    );
    const snapshot = await iacSnapshot(['--iac', join(dir, 'variants.yaml')]);
    const role = roleOf(snapshot, byName(snapshot, 'staged'));
    expect(role?.unknown).toEqual([
      { path: 'managedPolicies', reason: 'plan-time', detail: 'differs between parameter values or conditions' },
    ]);
  });
});

describe('Terraform plan', () => {
  it('links functions to roles through the configuration and reads attachments, policies and boundaries', async () => {
    const snapshot = await iacSnapshot(['--iac', fixtures.terraform]);
    const iam = snapshot.iam?.find((a) => a.account === '000000000000') as AccountIam;
    expect(roleOf(snapshot, byName(snapshot, 'tf-admin'))?.managedPolicies).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(statements(roleOf(snapshot, byName(snapshot, 'tf-escalate')))).toHaveLength(2);
    const boundary = roleOf(snapshot, byName(snapshot, 'tf-boundary'));
    expect(boundary?.permissionsBoundary).toBe('arn:aws:iam::000000000000:policy/tf-read-only-boundary');
    expect(boundary?.managedPolicies).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(iam.policies['arn:aws:iam::000000000000:policy/tf-read-only-boundary']).toBeDefined();
    // Two inline_policy blocks, one from data.aws_iam_policy_document as the plan rendered it.
    const scoped = roleOf(snapshot, byName(snapshot, 'tf-scoped'));
    expect(scoped?.inlinePolicies.map((p) => p.name).sort()).toEqual(['logs', 'read-orders']);
    const data = roleOf(snapshot, byName(snapshot, 'tf-data'));
    expect(data?.managedPolicies).toEqual(['arn:aws:iam::000000000000:policy/app/tf-data-all']);
    expect(iam.policies['arn:aws:iam::000000000000:policy/app/tf-data-all']?.document.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] },
    ]);
  });

  it('a policy document known only after apply is unknown, never empty', async () => {
    const plan = JSON.parse(readFileSync(join(repoRoot, fixtures.terraform), 'utf8')) as {
      resource_changes: {
        address: string;
        change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
      }[];
    };
    for (const rc of plan.resource_changes)
      if (rc.address === 'aws_iam_role_policy.escalate' || rc.address === 'aws_iam_role.trust') {
        const attribute = rc.address === 'aws_iam_role.trust' ? 'assume_role_policy' : 'policy';
        delete rc.change.after[attribute];
        rc.change.after_unknown[attribute] = true;
      }
    const dir = tempDir('la-roles-');
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const snapshot = await iacSnapshot(['--iac', join(dir, 'plan.json')]);
    const escalate = roleOf(snapshot, byName(snapshot, 'tf-escalate'));
    expect(escalate?.inlinePolicies).toEqual([]);
    expect(escalate?.unknown?.map((u) => u.path)).toEqual(['inlinePolicies']);
    expect(roleOf(snapshot, byName(snapshot, 'tf-trust'))?.unknown?.map((u) => u.path)).toEqual(['trustPolicy']);
  });
});

describeWithTool('terraform', 'terraform (roles)', () => {
  it('generate.sh makes a plan whose roles read as the committed one', async () => {
    const dir = join(tempDir('la-tf-roles-'), 'tf');
    cpSync(join(repoRoot, DIR, 'terraform'), dir, { recursive: true });
    execFileSync(join(dir, 'generate.sh'), { env: { ...process.env, TF_MIRROR: terraformMirror() }, stdio: 'ignore' });
    const fresh = await iacSnapshot(['--iac', join(dir, 'plan.json')]);
    const committed = await iacSnapshot(['--iac', fixtures.terraform]);
    expect(fresh.iam).toEqual(committed.iam);
    expect(fresh.functions.map((f) => f.configuration.Role)).toEqual(
      committed.functions.map((f) => f.configuration.Role),
    );
  }, 180_000);
});

describe('AWS managed policy data', () => {
  it('is dated, names its source, and maps SAM names to ARNs with their paths', () => {
    expect(managedPolicySource()).toEqual({
      source: expect.stringMatching(/^moto \d+\.\d+\.\d+/),
      taken: '2026-12-01',
    });
    expect(managedPolicyArn('AWSLambdaBasicExecutionRole')).toBe(
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
    expect(managedPolicyArn('arn:aws:iam::123456789012:policy/x')).toBe('arn:aws:iam::123456789012:policy/x');
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/PowerUserAccess')?.document.Statement[0]).toMatchObject({
      Effect: 'Allow',
      NotAction: expect.arrayContaining(['iam:*', 'organizations:*']),
    });
    expect(awsManagedPolicy('arn:aws-us-gov:iam::aws:policy/AdministratorAccess')?.arn).toBe(
      'arn:aws-us-gov:iam::aws:policy/AdministratorAccess',
    );
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/AmazonRedshiftFullAccess')).toBeUndefined();
  });
});
