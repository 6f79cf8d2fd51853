// CloudFormation intrinsic functions: what resolves before deploy, what stays unknown, and how the
// outcomes of parameters and conditions are enumerated.
import { describe, expect, it } from 'vitest';
import { NO_VALUE, PlanTime, Resolver, explore, type TemplateScope } from '../../src/iac/intrinsics.js';
import { parseTemplate } from '../../src/iac/yaml.js';

const scope: TemplateScope = {
  parameters: {
    Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod', 'test'] },
    Name: { Type: 'String', Default: 'orders' },
    Subnets: { Type: 'CommaDelimitedList', Default: 'a, b' },
    NoDefault: { Type: 'String' },
  },
  given: new Map([['Name', 'given-name']]),
  conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    InUsEast: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
  },
  mappings: { Sizes: { dev: { Memory: 128 }, prod: { Memory: 1024 } } },
  pseudo: {},
};
const first = { choose: <T>(_: string, options: readonly T[]): T => options[0] as T };
const resolve = (value: unknown): unknown => new Resolver(scope, first).resolve(value);

describe('Resolver', () => {
  it.each([
    ['a given parameter', { Ref: 'Name' }, 'given-name'],
    ['a list parameter', { Ref: 'Subnets' }, ['a', 'b']],
    ['Fn::Sub with parameters and escapes', { 'Fn::Sub': 'fn-${Name}-${!Literal}' }, 'fn-given-name-${Literal}'],
    ['Fn::Sub with variables', { 'Fn::Sub': ['${A}-${Name}', { A: 'x' }] }, 'x-given-name'],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'Name' }]] }, 'a-given-name'],
    ['Fn::Select over Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }, 'y'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Memory'] }, 128],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
    ['AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    // The stack's own account: a placeholder the record builder replaces when the role ARN names it.
    ['AWS::AccountId', { Ref: 'AWS::AccountId' }, '000000000000'],
    ['a map with AWS::NoValue dropped', { A: 1, B: { Ref: 'AWS::NoValue' } }, { A: 1 }],
  ])('%s', (_, value, expected) => {
    expect(resolve(value)).toEqual(expected);
  });

  it.each([
    ['Fn::GetAtt', { 'Fn::GetAtt': ['Queue', 'Arn'] }, 'Fn::GetAtt Queue.Arn'],
    ['a resource Ref', { Ref: 'Queue' }, 'Ref Queue'],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'x' }, 'Fn::ImportValue'],
    ['Fn::Sub over a GetAtt', { 'Fn::Sub': 'arn:${Queue.Arn}' }, 'Fn::Sub with Fn::GetAtt Queue.Arn'],
    ['Fn::Join over a Ref', { 'Fn::Join': ['', [{ Ref: 'Queue' }]] }, 'Ref Queue'],
    ['a parameter without value', { Ref: 'NoDefault' }, 'Ref NoDefault (no value: pass --iac-param NoDefault=VALUE)'],
  ])('%s is unknown at plan time', (_, value, detail) => {
    const resolved = resolve(value);
    expect(resolved).toBeInstanceOf(PlanTime);
    expect((resolved as PlanTime).detail).toBe(detail);
  });

  it('Ref AWS::NoValue is removed from lists', () => {
    expect(resolve(['a', { Ref: 'AWS::NoValue' }])).toEqual(['a']);
    expect(new Resolver(scope, first).resolve({ Ref: 'AWS::NoValue' })).toBe(NO_VALUE);
  });
});

describe('explore', () => {
  it('enumerates every allowed value (default first) and both branches of an undecidable condition', () => {
    const { results, truncated } = explore((choices) => {
      const r = new Resolver(scope, choices);
      return r.resolve({
        env: { Ref: 'Env' },
        region: { 'Fn::If': ['InUsEast', 'east', 'elsewhere'] },
        prod: { 'Fn::If': ['IsProd', 'yes', 'no'] },
      });
    });
    expect(truncated).toBe(false);
    expect(results).toEqual([
      { env: 'dev', region: 'east', prod: 'no' },
      { env: 'dev', region: 'elsewhere', prod: 'no' },
      { env: 'prod', region: 'east', prod: 'yes' },
      { env: 'prod', region: 'elsewhere', prod: 'yes' },
      { env: 'test', region: 'east', prod: 'no' },
      { env: 'test', region: 'elsewhere', prod: 'no' },
    ]);
  });

  it('runs once when nothing is open, and stops at the cap', () => {
    expect(explore(() => 1).results).toEqual([1]);
    const many = explore((c) => [1, 2, 3, 4, 5, 6].map((i) => c.choose(`k${i}`, [0, 1, 2])), 10);
    expect(many.results).toHaveLength(10);
    expect(many.truncated).toBe(true);
  });
});

describe('parseTemplate', () => {
  it('reads the short-form tags as the long form, and locates resources', () => {
    const doc = parseTemplate(
      'Resources:\n  Fn:\n    Type: X\n    Properties:\n      A: !Ref P\n      B: !GetAtt R.Arn\n      C: !Sub ["${a}", {a: !Ref Q}]\n      D: !If [c, 1, !Ref AWS::NoValue]\n      E: !ImportValue {"Fn::Sub": x}\n      F: !GetAtt [R, Arn]\n',
      't.yaml',
    );
    expect((doc.value as { Resources: { Fn: { Properties: unknown } } }).Resources.Fn.Properties).toEqual({
      A: { Ref: 'P' },
      B: { 'Fn::GetAtt': ['R', 'Arn'] },
      C: { 'Fn::Sub': ['${a}', { a: { Ref: 'Q' } }] },
      D: { 'Fn::If': ['c', 1, { Ref: 'AWS::NoValue' }] },
      E: { 'Fn::ImportValue': { 'Fn::Sub': 'x' } },
      F: { 'Fn::GetAtt': ['R', 'Arn'] },
    });
    expect(doc.position('/Resources/Fn', true)).toEqual({ line: 2, column: 3 });
    expect(doc.position('/Resources/Fn/Properties/A', true)).toEqual({ line: 2, column: 3 });
  });
});
