// Variants of one function (parameter values, Fn::If branches): a rule fires once per function if
// it fails in any variant, and is counted as not judged only where it did not fire.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSnapshot, withAlternates } from '../../src/iac/variants.js';
import { loadRuleSet } from '../../src/policy/load.js';
import type { FunctionRecord, Snapshot } from '../../src/snapshot/types.js';
import { repoRoot } from '../helpers/cli.js';
import { iacSnapshot } from '../helpers/iac.js';
import { AS_OF, record } from '../helpers/rule-tester.js';
import { tempDir } from '../helpers/temp.js';

const env = { Variables: { A: 'hmac-sha256:x' } };
const snapshotOf = (functions: FunctionRecord[]): Snapshot => ({
  schemaVersion: 1,
  tool: { name: 'lambda-audit', version: 'test' },
  generatedAt: AS_OF.toISOString(),
  envHashKeyId: 'test',
  regions: [],
  functions,
});

describe('evaluateSnapshot', () => {
  it('fires once per rule and function when any variant fails; a fired rule is not also "not judged"', async () => {
    const rules = (await loadRuleSet({ builtin: true, asOf: AS_OF, cwd: repoRoot })).filter(
      (r) => r.id === 'env-kms-cmk-missing',
    );
    const unknownKey = record({
      name: 'a',
      configuration: { Environment: env },
      unknown: [{ path: 'configuration.KMSKeyArn', reason: 'plan-time', detail: 'Fn::ImportValue' }],
    });
    const noKey = record({ name: 'a', configuration: { Environment: env } });
    const withKey = record({ name: 'a', configuration: { Environment: env, KMSKeyArn: 'arn:aws:kms:k' } });
    const other = record({ name: 'b', configuration: { Environment: env }, unknown: unknownKey.unknown ?? [] });

    const fired = evaluateSnapshot(withAlternates(snapshotOf([unknownKey, other]), [noKey, noKey]), rules);
    expect(fired.findings.map((f) => f.functionName)).toEqual(['a']);
    expect(fired.notJudged.map((n) => [n.ruleId, n.functions])).toEqual([['env-kms-cmk-missing', [other.arn]]]);

    const passed = evaluateSnapshot(withAlternates(snapshotOf([withKey]), [withKey]), rules);
    expect(passed.findings).toEqual([]);
    expect(passed.notJudged).toEqual([]);
  });
});

describe('cdk.out', () => {
  it('follows nested cloud assemblies (CDK stages)', async () => {
    const dir = tempDir('la-cdk-');
    cpSync(join(repoRoot, 'test/fixtures/iac/cdk.out'), join(dir, 'cdk.out', 'assembly-Prod'), { recursive: true });
    writeFileSync(
      join(dir, 'cdk.out', 'manifest.json'),
      JSON.stringify({
        version: '39.0.0',
        artifacts: {
          'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
        },
      }),
    );
    const snapshot = await iacSnapshot(['--iac', join(dir, 'cdk.out')]);
    expect(snapshot.functions.map((f) => f.name)).toEqual(['cdk-api', 'WorkerStack-WorkerBD36A3E8']);
  });
});

describe('exposure resources find their function', () => {
  it('through an alias or version, by name, and by ARN; a resource whose Condition is false is left out', async () => {
    const dir = tempDir('la-targets-');
    writeFileSync(
      join(dir, 'stack.yaml'),
      [
        'Parameters:',
        '  Public: { Type: String, Default: "no" }',
        'Conditions:',
        '  IsPublic: !Equals [!Ref Public, "yes"]',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Lambda::Function',
        '    Properties: { FunctionName: target-fn, Runtime: python3.12, Handler: h, Role: r, Code: { ZipFile: x } }',
        '  Version:',
        '    Type: AWS::Lambda::Version',
        '    Properties: { FunctionName: !Ref Fn }',
        '  Live:',
        '    Type: AWS::Lambda::Alias',
        '    Properties: { FunctionName: !Ref Fn, FunctionVersion: !GetAtt Version.Version, Name: live }',
        '  ViaAlias:',
        '    Type: AWS::Lambda::Permission',
        '    Properties: { FunctionName: !Ref Live, Action: lambda:InvokeFunction, Principal: sns.amazonaws.com }',
        '  ByName:',
        '    Type: AWS::Lambda::Permission',
        '    Properties: { FunctionName: target-fn, Action: lambda:InvokeFunction, Principal: "111122223333" }',
        '  ByArn:',
        '    Type: AWS::Lambda::EventInvokeConfig',
        '    Properties: { FunctionName: "arn:aws:lambda:eu-west-1:111122223333:function:target-fn:live", Qualifier: live, MaximumRetryAttempts: 2 }',
        '  OnlyWhenPublic:',
        '    Type: AWS::Lambda::Permission',
        '    Condition: IsPublic',
        '    Properties: { FunctionName: !GetAtt Fn.Arn, Action: lambda:InvokeFunction, Principal: "*" }',
        '',
      ].join('\n'),
    );
    const snapshot = await iacSnapshot(['--iac', join(dir, 'stack.yaml')]);
    const fn = snapshot.functions[0];
    expect(fn?.policy?.Statement.map((s) => [s.Sid, s.Principal])).toEqual([
      ['ViaAlias', { Service: ['sns.amazonaws.com'] }],
      ['ByName', { AWS: ['arn:aws:iam::111122223333:root'] }],
    ]);
    expect(fn?.eventInvokeConfig).toEqual({ MaximumRetryAttempts: 2 });
  });
});
