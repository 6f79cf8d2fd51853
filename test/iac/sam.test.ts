// SAM and CloudFormation templates: every expected finding, none on a value unknown before deploy,
// parameters and conditions judged in each possible outcome.
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';
import { schemaErrors } from '../helpers/schemas.js';

const SAM = 'test/fixtures/iac/sam/template.yaml';

describe('a SAM template', () => {
  it('yields every expected finding and none on unknown values', async () => {
    const { findings, notJudged } = await iacReport(['--iac', SAM]);
    expect(fired(findings)).toEqual([
      'code-signing-missing orders-dev',
      'code-signing-missing partial',
      'code-signing-missing public-report',
      'dlq-missing partial',
      'env-kms-cmk-missing orders-dev',
      'env-kms-cmk-missing public-report',
      'env-secret-suspected public-report',
      // A public URL on a deprecated runtime holding a secret, no concurrency cap.
      'exposure-path public-report',
      'function-url-cors-wildcard public-report',
      'function-url-public public-report',
      'log-format-text public-report',
      'log-level-verbose orders-dev',
      // SAM's SQS event attaches AWSLambdaSQSQueueExecutionRole: sqs:ReceiveMessage on "*".
      'role-data-wildcard orders-dev',
      'runtime-deprecated public-report',
      'tags-required public-report',
      'tracing-disabled partial',
      'tracing-disabled public-report',
      'vpc-missing partial',
      'vpc-missing public-report',
    ]);
    // The dead-letter queue and a layer come from !GetAtt and ${AWS::Region}; the VPC from the
    // subnets; the schedule's permission is tied to a rule ARN (!GetAtt) known only at deploy time.
    // Subnet zones are never in a template.
    expect(notJudged.map((n) => `${n.ruleId} ${n.reason} ${n.path} ${n.count}`)).toEqual([
      'dlq-missing plan-time configuration.DeadLetterConfig.TargetArn 1',
      // Issue 21: the schedule's permission names the rule SAM creates in the same stack (!GetAtt
      // OrdersNightly.Arn): the caller is tied to the stack's own account, so both rules judge (pass),
      // and so does exposure-path.
      'layer-cross-account plan-time configuration.Layers 1',
      // No AWS::Logs::LogGroup in the template: the log group is unknown before deploy (docs/iac.md).
      'log-group-kms-missing plan-time logGroup 3',
      'log-retention-missing plan-time logGroup 3',
      // A security group the template does not define: unknown before deploy, and it stays so.
      'sg-egress-unrestricted not-in-input securityGroups 1',
      // Issue 21: vpc-missing judges the subnets, not the VpcId Lambda derives from them.
      'vpc-single-az not-in-input subnetAvailabilityZones 1',
    ]);
    for (const f of findings) expect(f.location?.file).toBe(SAM);
  });

  it('merges Globals as SAM does and honours IgnoreGlobals', async () => {
    const snapshot = await iacSnapshot(['--iac', SAM]);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    const byName = new Map(snapshot.functions.map((f) => [f.name, f]));
    const orders = byName.get('orders-dev');
    expect(orders?.configuration).toMatchObject({
      Runtime: 'python3.12',
      Timeout: 30, // the resource's scalar wins
      MemorySize: 256,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'INFO', ApplicationLogLevel: 'DEBUG' },
      VpcConfig: { SubnetIds: ['subnet-0aaa', 'subnet-0bbb'], SecurityGroupIds: ['sg-0ccc0ccc0ccc0ccc0'] },
    });
    expect(Object.keys(orders?.configuration.Environment?.Variables ?? {})).toEqual([
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
    expect(orders?.tags).toEqual({
      'cost-center': 'cc-1234',
      'lambda:createdBy': 'SAM',
      owner: 'payments@example.com',
      service: 'orders',
      team: 'payments',
    });
    expect(orders?.source).toBe('template');
    expect(orders?.location).toEqual({ file: SAM, line: 43, resource: 'OrdersFunction' });
    expect(orders?.unknown?.map((u) => u.path)).toEqual([
      'account', // its role is a !GetAtt: the account is chosen at deploy time
      'configuration.DeadLetterConfig.TargetArn',
      'configuration.Layers',
      'configuration.VpcConfig.VpcId',
      'logGroup', // no AWS::Logs::LogGroup in the template
      // Issue 21: no policy.Statement.Condition any more: the schedule rule is in the stack.
    ]);
    // Events: S3 and Schedule grant their service; SQS uses an event source mapping, no permission.
    expect(orders?.policy?.Statement.map((s) => s.Principal)).toEqual([
      { Service: ['s3.amazonaws.com'] },
      { Service: ['events.amazonaws.com'] },
    ]);
    const report = byName.get('public-report');
    expect(report?.configuration).toMatchObject({ Runtime: 'nodejs16.x', MemorySize: 128, Timeout: 3 });
    expect(report?.configuration.Layers).toBeUndefined();
    expect(report?.tags).toEqual({ 'lambda:createdBy': 'SAM' });
    expect(report?.functionUrl).toEqual({ AuthType: 'NONE', InvokeMode: 'BUFFERED', Cors: { AllowOrigins: ['*'] } });
    expect(report?.policy?.Statement).toEqual([
      {
        Sid: 'PublicReportFunctionUrlPublicPermissions',
        Effect: 'Allow',
        Principal: { AWS: ['*'] },
        Action: ['lambda:InvokeFunctionUrl'],
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': ['NONE'] } },
      },
      {
        Sid: 'PublicReportFunctionURLInvokeAllowPublicAccess',
        Effect: 'Allow',
        Principal: { AWS: ['*'] },
        Action: ['lambda:InvokeFunction'],
        Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': ['true'] } },
      },
    ]);
    expect(report?.eventInvokeConfig).toEqual({
      MaximumEventAgeInSeconds: 120,
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-west-1:123456789012:report-failures' } },
    });
    const partial = byName.get('partial');
    expect(partial?.configuration.Layers).toBeUndefined(); // IgnoreGlobals: [Layers, Environment]
    expect(partial?.configuration.Environment).toBeUndefined();
    expect(partial?.configuration.TracingConfig).toEqual({ Mode: 'PassThrough' });
    expect(partial?.policy).toBeNull();
    expect(partial?.functionUrl).toBeNull();
    expect(partial?.eventInvokeConfig).toBeNull();
  });

  it('judges each allowed value of a parameter and both branches of Fn::If, once per function', async () => {
    // Default Stage=dev: DEBUG logs. Stage=prod: INFO. Both are judged: one finding, on the function.
    const { findings } = await iacReport(['--iac', SAM]);
    expect(fired(findings).filter((f) => f.startsWith('log-level-verbose'))).toEqual(['log-level-verbose orders-dev']);
    // Given a value, only that value is judged.
    const prod = await iacReport(['--iac', SAM, '--iac-param', 'Stage=prod']);
    expect(fired(prod.findings).filter((f) => f.startsWith('log-level-verbose'))).toEqual([]);
    // A parameter with no AllowedValues takes the value given: a key resolves the KMS finding.
    const keyed = await iacReport(['--iac', SAM, '--iac-param', 'KeyArn=arn:aws:kms:eu-west-1:123456789012:key/abc']);
    expect(fired(keyed.findings)).not.toContain('env-kms-cmk-missing orders-dev');
  });

  it('fires when only a non-default allowed value fails', async () => {
    const { findings } = await iacReport(['--iac', 'test/fixtures/iac/cfn/variants.yaml']);
    expect(fired(findings).filter((f) => /tracing|log-level|runtime/.test(f))).toEqual([
      'log-level-verbose variants-fn',
      'tracing-disabled variants-fn',
    ]);
  });
});
