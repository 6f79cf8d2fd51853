// The role rules before deploy, on the role fixtures (test/fixtures/iac/roles/): the same rules as a
// crawl, on the roles SAM, CloudFormation, Terraform and CDK would create. Each expectation is read
// off the fixture's policies (comments say why), not off our output.
import { describe, expect, it } from 'vitest';
import { iacReport } from '../helpers/iac.js';

const DIR = 'test/fixtures/iac/roles';
const ROLE = /^role-|^exposure-path$/;

async function verdicts(path: string): Promise<{ fired: string[]; notJudged: string[] }> {
  const { findings, notJudged } = await iacReport(['--iac', `${DIR}/${path}`]);
  return {
    fired: findings
      .filter((f) => ROLE.test(f.ruleId))
      .map((f) => `${f.functionName} ${f.ruleId}`)
      .sort(),
    notJudged: notJudged
      .filter((n) => ROLE.test(n.ruleId))
      .flatMap((n) => n.functions.map((arn) => `${arn.split(':').pop() ?? ''} ${n.ruleId} ${n.path} ${n.reason}`))
      .sort(),
  };
}

const outside = (fn: string, path = 'configuration.Role'): string[] =>
  ['role-admin-access', 'role-data-wildcard', 'role-privilege-escalation', 'role-shared', 'role-trust-too-broad'].map(
    (rule) => `${fn} ${rule} ${path} plan-time`,
  );

describe('role rules on infrastructure as code', () => {
  it('SAM: Policies, managed policy names, policy templates and the roles SAM generates', async () => {
    const { fired, notJudged } = await verdicts('sam.yaml');
    expect(fired).toEqual([
      'sam-admin role-admin-access', // AdministratorAccess
      // The boundary allows dynamodb:GetItem and Query on "*": that is what is left, on every table.
      'sam-boundary role-data-wildcard',
      'sam-data role-data-wildcard', // s3:* on "*", AmazonDynamoDBFullAccess
      'sam-escalate role-privilege-escalation', // iam:PassRole "*" + lambda:CreateFunction + InvokeFunction
      // The SQS event makes SAM attach AWSLambdaSQSQueueExecutionRole: sqs:ReceiveMessage on "*".
      'sam-scoped role-data-wildcard',
    ]);
    // A literal role ARN the template does not define: nothing about it is known.
    expect(notJudged).toEqual(outside('sam-outside'));
  });

  it('CloudFormation: AWS::IAM::Role with Policy, ManagedPolicy and a boundary', async () => {
    const { fired, notJudged } = await verdicts('cfn.yaml');
    expect(fired).toEqual([
      'cfn-admin role-admin-access',
      'cfn-boundary role-data-wildcard',
      'cfn-escalate role-privilege-escalation',
      'cfn-trust role-trust-too-broad', // the trust policy names another account
    ]);
    // cfn-data's inline policy is built from an expression known only at deploy time; its trust
    // policy is in the template, so role-trust-too-broad judges it.
    expect(notJudged).toEqual(
      [
        ...outside('cfn-outside'),
        ...['role-admin-access', 'role-data-wildcard', 'role-privilege-escalation'].map(
          (rule) => `cfn-data ${rule} inlinePolicies plan-time`,
        ),
      ].sort(),
    );
  });

  it('a Terraform plan: aws_iam_role, role policies, attachments, aws_iam_policy_document', async () => {
    const { fired, notJudged } = await verdicts('terraform/plan.json');
    expect(fired).toEqual([
      'tf-admin role-admin-access',
      'tf-boundary role-data-wildcard',
      'tf-data role-data-wildcard',
      'tf-escalate role-privilege-escalation',
      'tf-trust role-trust-too-broad',
    ]);
    expect(notJudged).toEqual(outside('tf-outside'));
  });

  it("a cdk.out: the role and CDK's DefaultPolicy", async () => {
    const { fired, notJudged } = await verdicts('cdk.out');
    expect(fired).toEqual(['cdk-roles role-data-wildcard']);
    expect(notJudged).toEqual([]);
  });
});
