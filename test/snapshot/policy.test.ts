import { describe, expect, it } from 'vitest';
import { MalformedPolicyError, normalisePolicy, statementFromPermission } from '../../src/snapshot/policy.js';

describe('normalisePolicy', () => {
  it('turns single values into lists and "*" into {AWS: ["*"]}', () => {
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [
        {
          Sid: 'public',
          Effect: 'Allow',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Resource: 'arn:aws:lambda:us-east-1:111122223333:function:f',
        },
        {
          Sid: 's3',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: ['lambda:InvokeFunction'],
          Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' } },
        },
      ],
    });
    expect(normalisePolicy(doc)).toEqual({
      Statement: [
        {
          Sid: 'public',
          Effect: 'Allow',
          Principal: { AWS: ['*'] },
          Action: ['lambda:InvokeFunction'],
          Resource: ['arn:aws:lambda:us-east-1:111122223333:function:f'],
        },
        {
          Sid: 's3',
          Effect: 'Allow',
          Principal: { Service: ['s3.amazonaws.com'] },
          Action: ['lambda:InvokeFunction'],
          Condition: { ArnLike: { 'AWS:SourceArn': ['arn:aws:s3:::bucket'] } },
        },
      ],
    });
  });

  it('keeps NotResource (identity policies use it) as a list', () => {
    const doc = { Statement: { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::HRBucket/Payroll/*' } };
    expect(normalisePolicy(doc)).toEqual({
      Statement: [{ Effect: 'Deny', Action: ['s3:*'], NotResource: ['arn:aws:s3:::HRBucket/Payroll/*'] }],
    });
  });

  it('refuses what is not a policy, without quoting it', () => {
    expect(() => normalisePolicy('{"Statement": [ secret')).toThrow(MalformedPolicyError);
    expect(() => normalisePolicy('{"Statement": [ secret')).not.toThrow(/secret/);
    expect(() => normalisePolicy({ Statement: [{ Effect: 'Maybe' }] })).toThrow(/Effect/);
  });
});

describe('statementFromPermission', () => {
  it('writes what AddPermission writes', () => {
    expect(
      statementFromPermission({ StatementId: 'x', Action: 'lambda:InvokeFunction', Principal: '111122223333' }),
    ).toEqual({
      Sid: 'x',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::111122223333:root'] },
      Action: ['lambda:InvokeFunction'],
    });
    expect(
      statementFromPermission({
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    ).toMatchObject({
      Principal: { AWS: ['*'] },
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': ['NONE'] } },
    });
    expect(
      statementFromPermission({
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: 'arn:aws:sns:us-east-1:111122223333:topic',
        SourceAccount: '111122223333',
      }),
    ).toMatchObject({
      Principal: { Service: ['sns.amazonaws.com'] },
      Condition: {
        ArnLike: { 'AWS:SourceArn': ['arn:aws:sns:us-east-1:111122223333:topic'] },
        StringEquals: { 'AWS:SourceAccount': ['111122223333'] },
      },
    });
  });
});
