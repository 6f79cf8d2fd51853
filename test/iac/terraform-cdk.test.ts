// Terraform plans (root and child modules, .tf locations, after_unknown, deletions) and cdk.out
// cloud assemblies (two stacks, environments, construct paths).
import { LOG_GROUP_NOT_DEFINED } from '../../src/iac/record.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';
import { repoRoot } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';

const PLAN = 'test/fixtures/iac/terraform/plan.json';
const CDK = 'test/fixtures/iac/cdk.out';

describe('a Terraform plan', () => {
  it('yields every expected finding, located on the .tf resource block, none on unknown values', async () => {
    const { findings, notJudged } = await iacReport(['--iac', PLAN]);
    expect(fired(findings)).toEqual([
      'code-signing-missing tf-api',
      'code-signing-missing tf-encrypted',
      'code-signing-missing tf-sensitive',
      'code-signing-missing tf-worker',
      'dlq-missing tf-api',
      'dlq-missing tf-encrypted',
      'dlq-missing tf-sensitive',
      'env-kms-cmk-missing tf-api',
      'env-kms-cmk-missing tf-sensitive',
      'env-secret-suspected tf-api',
      'exposure-path tf-api',
      'function-url-cors-wildcard tf-api',
      'function-url-public tf-api',
      'layer-cross-account tf-api',
      // Issue 21: tracing_config, logging_config and tags the configuration leaves out are AWS's
      // defaults (PassThrough, Text, no tags), not unknowns: these were "not judged" before.
      'log-format-text tf-encrypted',
      'log-format-text tf-sensitive',
      'log-format-text tf-worker',
      'log-level-verbose tf-api',
      'runtime-deprecated tf-api',
      'tags-required tf-api',
      'tags-required tf-encrypted',
      'tags-required tf-worker',
      'tracing-disabled tf-encrypted',
      'tracing-disabled tf-sensitive',
      'tracing-disabled tf-worker',
      // Issue 21: judged on the subnets (known), not on the computed vpc_id.
      'vpc-ipv6-dual-stack-disabled tf-worker',
      'vpc-missing tf-api',
      'vpc-missing tf-encrypted',
      'vpc-missing tf-sensitive',
    ]);
    const at = new Map(findings.map((f) => [f.functionName, `${f.location?.file}:${f.location?.line}`]));
    expect(at.get('tf-api')).toBe('test/fixtures/iac/terraform/main.tf:14');
    expect(at.get('tf-encrypted')).toBe('test/fixtures/iac/terraform/main.tf:46');
    expect(at.get('tf-worker')).toBe('test/fixtures/iac/terraform/modules/worker/main.tf:1');
    // kms_key_arn = aws_kms_key.env.arn is known after apply: the KMS rule does not judge tf-encrypted.
    expect(notJudged).toContainEqual(
      expect.objectContaining({ ruleId: 'env-kms-cmk-missing', reason: 'plan-time', path: 'configuration.KMSKeyArn' }),
    );
    // Issue 21: the worker's subnets put it in a VPC, whatever the VPC's id: vpc-missing judges it (passes).
    expect(notJudged).not.toContainEqual(expect.objectContaining({ ruleId: 'vpc-missing' }));
  });

  it('maps the function, its URL, permissions and invoke config into the crawler shape', async () => {
    const snapshot = await iacSnapshot(['--iac', PLAN]);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    const api = snapshot.functions.find((f) => f.name === 'tf-api');
    expect(api?.source).toBe('plan');
    expect(api?.region).toBe('eu-west-1'); // from the provider block
    expect(api?.configuration).toMatchObject({
      Runtime: 'nodejs16.x',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO' },
      Layers: [{ Arn: 'arn:aws:lambda:eu-west-1:999988887777:layer:vendor-apm-agent:12' }],
    });
    expect(api?.tags).toEqual({ team: 'payments' });
    expect(api?.functionUrl).toEqual({
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      Cors: expect.objectContaining({ AllowOrigins: ['*'] }),
    });
    expect(api?.eventInvokeConfig).toEqual({ MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 });
    expect(api?.policy?.Statement).toEqual([
      {
        Sid: 'FunctionURLAllowPublicAccess',
        Effect: 'Allow',
        Principal: { AWS: ['*'] },
        Action: ['lambda:InvokeFunctionUrl'],
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': ['NONE'] } },
      },
      {
        Sid: 'AllowS3',
        Effect: 'Allow',
        Principal: { Service: ['s3.amazonaws.com'] },
        Action: ['lambda:InvokeFunction'],
        Condition: { StringEquals: { 'AWS:SourceAccount': ['123456789012'] } },
      },
    ]);
    expect(api?.unknown?.map((u) => u.path)).toContain('configuration.Architectures');
    const worker = snapshot.functions.find((f) => f.name === 'tf-worker');
    expect(worker?.configuration).toMatchObject({
      VpcConfig: { SubnetIds: ['subnet-0aaa', 'subnet-0bbb'], SecurityGroupIds: ['sg-0ccc0ccc0ccc0ccc0'] },
      DeadLetterConfig: { TargetArn: 'arn:aws:sqs:eu-west-1:123456789012:worker-dlq' },
    });
    expect(worker?.location?.resource).toBe('module.worker.aws_lambda_function.this');
    expect(worker?.policy).toBeNull();
  });

  it('hashes sensitive environment values and does not read other sensitive values', async () => {
    const snapshot = await iacSnapshot(['--iac', PLAN]);
    const fn = snapshot.functions.find((f) => f.name === 'tf-sensitive');
    expect(fn?.configuration.Environment?.Variables?.DB_PASSWORD).toMatch(/^hmac-sha256:/);
    expect(fn?.tags).toEqual({ 'cost-center': 'cc-1', team: 'payments' });
    expect(fn?.unknown).toContainEqual({
      path: 'tags.owner',
      reason: 'plan-time',
      detail: 'aws_lambda_function.sensitive.tags.owner (sensitive: not read)',
    });
    expect(JSON.stringify(snapshot)).not.toContain('sensitive-owner@example.com');
  });

  it('leaves out deleted resources, and locates on the plan file when the .tf files are not next to it', async () => {
    const plan = JSON.parse(readFileSync(join(repoRoot, PLAN), 'utf8')) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    for (const rc of plan.resource_changes)
      if (rc.address === 'aws_lambda_function.encrypted') rc.change.actions = ['delete'];
    const dir = tempDir('la-plan-');
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const snapshot = await iacSnapshot(['--iac', join(dir, 'plan.json')]);
    expect(snapshot.functions.map((f) => f.name).sort()).toEqual(['tf-api', 'tf-sensitive', 'tf-worker']);
    expect(snapshot.functions[0]?.location).toMatchObject({
      file: relative(repoRoot, join(dir, 'plan.json')),
      line: 1,
    });
  });
});

describe('a cdk.out cloud assembly', () => {
  it('reads every stack template of the manifest, with its environment and construct paths', async () => {
    const snapshot = await iacSnapshot(['--iac', CDK]);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    expect(snapshot.functions.map((f) => [f.name, f.account, f.region, f.location?.resource])).toEqual([
      ['cdk-api', '123456789012', 'eu-west-1', 'Handler886CB40B (ApiStack/Handler/Resource)'],
      // An environment-agnostic stack: the account comes from the literal role ARN.
      ['WorkerStack-WorkerBD36A3E8', '123456789012', 'us-east-1', 'WorkerBD36A3E8 (WorkerStack/Worker/Resource)'],
    ]);
    const api = snapshot.functions.find((f) => f.name === 'cdk-api');
    // AWS::Region is known from the stack's environment, so the variable is too.
    expect(Object.keys(api?.configuration.Environment?.Variables ?? {})).toEqual(['REGION', 'STRIPE_KEY']);
    expect(api?.functionUrl).toEqual({ AuthType: 'AWS_IAM' });
    expect(api?.policy).toBeNull();
    const worker = snapshot.functions.find((f) => f.name.startsWith('WorkerStack'));
    expect(worker?.eventInvokeConfig).toEqual({ MaximumRetryAttempts: 1 });
    expect(worker?.unknown).toEqual([
      { path: 'configuration.KMSKeyArn', reason: 'plan-time', detail: 'Fn::ImportValue' },
      // A literal role ARN: the role is not in the template, so nothing about it is known here.
      { path: 'configuration.Role', reason: 'plan-time', detail: 'the role is defined outside the template' },
      // No AWS::Logs::LogGroup for it in the assembly.
      { path: 'logGroup', reason: 'plan-time', detail: LOG_GROUP_NOT_DEFINED.detail },
    ]);
  });

  it('yields the expected findings; the imported KMS key is not judged', async () => {
    const { findings, notJudged } = await iacReport(['--iac', CDK]);
    expect(fired(findings)).toEqual([
      'code-signing-missing WorkerStack-WorkerBD36A3E8',
      'code-signing-missing cdk-api',
      'dlq-missing cdk-api',
      'env-kms-cmk-missing cdk-api',
      'env-secret-suspected cdk-api',
      'log-format-text WorkerStack-WorkerBD36A3E8',
      'runtime-deprecated cdk-api',
      'tags-required WorkerStack-WorkerBD36A3E8',
      'tags-required cdk-api',
      'tracing-disabled WorkerStack-WorkerBD36A3E8',
      'vpc-missing WorkerStack-WorkerBD36A3E8',
      'vpc-missing cdk-api',
    ]);
    // The worker's role is a literal ARN of a role the assembly does not define: no role rule judges it.
    expect(notJudged.map((n) => `${n.ruleId} ${n.path}`)).toEqual([
      'env-kms-cmk-missing configuration.KMSKeyArn',
      'log-group-kms-missing logGroup',
      'log-retention-missing logGroup',
      'role-admin-access configuration.Role',
      'role-data-wildcard configuration.Role',
      'role-privilege-escalation configuration.Role',
      'role-shared configuration.Role',
      'role-trust-too-broad configuration.Role',
    ]);
  });

  it('reads the same assembly through its manifest.json and several --iac paths at once', async () => {
    const { findings } = await iacReport(['--iac', `${CDK}/manifest.json`, '--iac', PLAN]);
    expect(new Set(findings.map((f) => f.functionName))).toEqual(
      new Set(['cdk-api', 'WorkerStack-WorkerBD36A3E8', 'tf-api', 'tf-encrypted', 'tf-sensitive', 'tf-worker']),
    );
  });
});
