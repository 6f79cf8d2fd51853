// One case per row of each mapping table: a property set in a template or plan lands at its
// record path, with the API's types (numbers, booleans, tag maps, layer objects).
import { describe, expect, it } from 'vitest';
import { cfnEventInvokeTable, cfnFunctionTable, cfnPermissionTable, cfnUrlTable } from '../../src/iac/cfn-table.js';
import { functionsFromTemplate } from '../../src/iac/cfn.js';
import { buildRecord, getPath, setPath } from '../../src/iac/record.js';
import { samFunctionTable } from '../../src/iac/sam-table.js';
import { templateResources } from '../../src/iac/sam.js';
import { functionsFromPlan } from '../../src/iac/terraform.js';
import { tfEventInvokeTable, tfFunctionTable, tfPermissionTable, tfUrlTable } from '../../src/iac/tf-table.js';
import { envHashKey } from '../../src/snapshot/redact.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';

const key = envHashKey(Buffer.from('tables-test-key'));

/** A sample for each source property, and what the record holds for it (default: the sample itself). */
const samples: Record<string, [unknown, unknown?]> = {
  Architectures: [['arm64']],
  architectures: [['arm64']],
  'Environment.Variables': [{ K: 'v' }, ['K']],
  'environment.variables': [{ K: 'v' }, ['K']],
  'EphemeralStorage.Size': ['1024', 1024],
  'ephemeral_storage.size': [1024],
  FileSystemConfigs: [[{ Arn: 'arn:aws:elasticfilesystem:x', LocalMountPath: '/mnt/x' }]],
  ImageConfig: [{ Command: ['app.handler'] }],
  Layers: [['arn:aws:lambda:eu-west-1:1:layer:l:1'], [{ Arn: 'arn:aws:lambda:eu-west-1:1:layer:l:1' }]],
  layers: [['arn:aws:lambda:eu-west-1:1:layer:l:1'], [{ Arn: 'arn:aws:lambda:eu-west-1:1:layer:l:1' }]],
  MemorySize: ['512', 512],
  memory_size: [512],
  ReservedConcurrentExecutions: ['5', 5],
  reserved_concurrent_executions: [5],
  Tags: [[{ Key: 'team', Value: 'a' }], { team: 'a' }],
  tags_all: [{ team: 'a' }],
  Timeout: ['30', 30],
  timeout: [30],
  'VpcConfig.Ipv6AllowedForDualStack': ['true', true],
  'vpc_config.ipv6_allowed_for_dual_stack': [true],
  'VpcConfig.SecurityGroupIds': [['sg-1']],
  'VpcConfig.SubnetIds': [['subnet-1']],
  'vpc_config.security_group_ids': [['sg-1']],
  'vpc_config.subnet_ids': [['subnet-1']],
  'Cors.AllowCredentials': ['true', true],
  'cors.allow_credentials': [true],
  'Cors.MaxAge': ['60', 60],
  'cors.max_age': [60],
  'Cors.AllowHeaders': [['x']],
  'Cors.AllowMethods': [['GET']],
  'Cors.AllowOrigins': [['*']],
  'Cors.ExposeHeaders': [['x']],
  'cors.allow_headers': [['x']],
  'cors.allow_methods': [['GET']],
  'cors.allow_origins': [['*']],
  'cors.expose_headers': [['x']],
  MaximumEventAgeInSeconds: ['60', 60],
  MaximumRetryAttempts: ['1', 1],
  maximum_event_age_in_seconds: [60],
  maximum_retry_attempts: [1],
  InvokedViaFunctionUrl: ['true', true],
};
const sample = (from: string): [unknown, unknown] => {
  const [value, expected] = samples[from] ?? [`sample-${from}`];
  return [value, expected === undefined ? value : expected];
};
/** What a record path holds, with environment values reduced to their names (they are hashed). */
const read = (record: FunctionRecord, to: string): unknown => {
  const value = to === 'configuration.FunctionName' ? record.name : getPath(record, to);
  return to.endsWith('Environment.Variables') ? Object.keys(value as object) : value;
};

function fromTemplate(resources: Record<string, unknown>): FunctionRecord {
  const source = {
    template: { Resources: resources },
    file: 't.yaml',
    line: () => 1,
    stackName: 's',
    region: 'eu-west-1',
    account: '000000000000',
    pseudo: {},
  };
  const [fn] = functionsFromTemplate(source, new Map()).functions;
  return buildRecord(fn!.primary, key);
}

function fromPlan(changes: { type: string; after: Record<string, unknown> }[]): FunctionRecord {
  const plan = {
    format_version: '1.2',
    resource_changes: changes.map((c, i) => ({
      address: `${c.type}.r${i}`,
      type: c.type,
      name: `r${i}`,
      mode: 'managed',
      change: { actions: ['create'], after: c.after, after_unknown: {} },
    })),
  };
  const [fn] = functionsFromPlan({
    plan,
    file: 'p.json',
    dir: '/nonexistent',
    relDir: '.',
    region: 'eu-west-1',
    account: '0',
  });
  return buildRecord(fn!, key);
}

/** `a.b` -> `{ a: [{ b: v }] }`: Terraform's nested blocks are one-element lists. */
function tfValue(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head!]: rest.length === 0 ? value : [tfValue(rest.join('.'), value)] };
}

const base = { Runtime: 'python3.12', Handler: 'h', Role: 'r', Code: { ZipFile: 'x' } };

describe('CloudFormation AWS::Lambda::Function', () => {
  it.each(cfnFunctionTable.map((r) => [r.from, r.to]))('%s -> %s', (from, to) => {
    const [value, expected] = sample(from);
    const properties: Record<string, unknown> = { ...base };
    setPath(properties, from, value);
    expect(read(fromTemplate({ Fn: { Type: 'AWS::Lambda::Function', Properties: properties } }), to)).toEqual(expected);
  });
});

describe('CloudFormation URL, invoke config and permission', () => {
  const tables = [
    ['AWS::Lambda::Url', 'TargetFunctionArn', cfnUrlTable, 'functionUrl', { AuthType: 'NONE' }],
    [
      'AWS::Lambda::EventInvokeConfig',
      'FunctionName',
      cfnEventInvokeTable,
      'eventInvokeConfig',
      { Qualifier: '$LATEST' },
    ],
  ] as const;
  for (const [type, target, table, root, extra] of tables)
    it.each(table.map((r) => [r.from, r.to]))(`${type} %s -> ${root}.%s`, (from, to) => {
      const [value, expected] = sample(from);
      const properties: Record<string, unknown> = { ...extra, [target]: { Ref: 'Fn' } };
      setPath(properties, from, value);
      const record = fromTemplate({
        Fn: { Type: 'AWS::Lambda::Function', Properties: base },
        X: { Type: type, Properties: properties },
      });
      expect(getPath(record, `${root}.${to}`)).toEqual(expected);
    });
  it.each(cfnPermissionTable.map((r) => [r.from, r.to]))('AWS::Lambda::Permission %s (%s)', (from) => {
    const values: Record<string, unknown> = {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '111122223333',
      SourceArn: 'arn:aws:s3:::b',
      SourceAccount: '111122223333',
      PrincipalOrgID: 'o-abc',
      EventSourceToken: 'tok',
      FunctionUrlAuthType: 'AWS_IAM',
      InvokedViaFunctionUrl: true,
    };
    const properties = {
      FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      [from]: values[from],
    };
    const record = fromTemplate({
      Fn: { Type: 'AWS::Lambda::Function', Properties: base },
      P: { Type: 'AWS::Lambda::Permission', Properties: properties },
    });
    const statement = JSON.stringify(record.policy?.Statement[0]);
    // Lambda writes an account principal as its root ARN; a source account stays an id.
    const shown = from === 'Principal' ? 'arn:aws:iam::111122223333:root' : String(values[from]);
    expect(statement).toContain(from === 'InvokedViaFunctionUrl' ? 'lambda:InvokedViaFunctionUrl' : shown);
  });
});

describe('SAM AWS::Serverless::Function', () => {
  it.each(samFunctionTable.map((r) => [r.from, r.to]))('%s -> AWS::Lambda::Function %s', (from, to) => {
    const properties: Record<string, unknown> = {};
    setPath(properties, from, `sample-${from}`);
    const [fn] = templateResources({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: properties } },
    });
    expect(getPath(fn?.Properties, to)).toBe(`sample-${from}`);
  });
});

describe('Terraform aws_lambda_function', () => {
  it.each(tfFunctionTable.map((r) => [r.from, r.to]))('%s -> %s', (from, to) => {
    const [value, expected] = sample(from);
    const after = { function_name: 'f', ...tfValue(from, value) };
    const record = fromPlan([{ type: 'aws_lambda_function', after }]);
    expect(read(record, to)).toEqual(expected);
  });
  it('reserved_concurrent_executions = -1 is no reservation', () => {
    expect(
      fromPlan([{ type: 'aws_lambda_function', after: { function_name: 'f', reserved_concurrent_executions: -1 } }])
        .reservedConcurrency,
    ).toBeUndefined();
  });
});

describe('Terraform URL, invoke config and permission', () => {
  const tables = [
    ['aws_lambda_function_url', tfUrlTable, 'functionUrl'],
    ['aws_lambda_function_event_invoke_config', tfEventInvokeTable, 'eventInvokeConfig'],
  ] as const;
  for (const [type, table, root] of tables)
    it.each(table.map((r) => [r.from, r.to]))(`${type} %s -> ${root}.%s`, (from, to) => {
      const [value, expected] = sample(from);
      const record = fromPlan([
        { type: 'aws_lambda_function', after: { function_name: 'f' } },
        { type, after: { function_name: 'f', ...tfValue(from, value) } },
      ]);
      expect(getPath(record, `${root}.${to}`)).toEqual(expected);
    });
  it.each(tfPermissionTable.map((r) => [r.from, r.to]))('aws_lambda_permission %s (%s)', (from) => {
    const values: Record<string, unknown> = {
      action: 'lambda:InvokeFunctionUrl',
      principal: '111122223333',
      source_arn: 'arn:aws:s3:::b',
      source_account: '111122223333',
      principal_org_id: 'o-abc',
      event_source_token: 'tok',
      function_url_auth_type: 'AWS_IAM',
      statement_id: 'MySid',
    };
    const record = fromPlan([
      { type: 'aws_lambda_function', after: { function_name: 'f' } },
      {
        type: 'aws_lambda_permission',
        after: { function_name: 'f', action: 'lambda:InvokeFunction', principal: '*', [from]: values[from] },
      },
    ]);
    const shown = from === 'principal' ? 'arn:aws:iam::111122223333:root' : String(values[from]);
    expect(JSON.stringify(record.policy?.Statement[0])).toContain(shown);
  });
});
