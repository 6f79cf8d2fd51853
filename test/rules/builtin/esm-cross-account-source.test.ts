import { describe, expect, it } from 'vitest';
import { esmCrossAccountSource } from '../../../src/rules/checks/event-sources.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { dynamo, kafka, kinesis, msk, sqs, unknownMappings, withMappings } from '../../helpers/esm.js';

ruleTester('esm-cross-account-source', {
  valid: [
    withMappings(),
    withMappings(kinesis(), dynamo(), sqs()),
    withMappings(kafka([])), // no ARN: not judged by this rule, and passes
  ],
  invalid: [
    {
      record: withMappings(sqs('999988887777'), kinesis()),
      messageIncludes: ['999988887777', 'cccc-sqs', 'arn:aws:sqs:us-east-1:999988887777:jobs'],
      vars: { accounts: '999988887777', count: 1 },
    },
    { record: withMappings(msk()), messageIncludes: ['444455556666', 'eeee-msk'] },
  ],
  notJudged: [{ record: unknownMappings('denied'), path: 'eventSourceMappings' }],
});

describe('esm-cross-account-source allowedAccounts', () => {
  it('an allowed account passes, another still fires', () => {
    const env = { asOf: new Date(), lifecycle: new Map() };
    const test = esmCrossAccountSource.create({ allowedAccounts: ['999988887777'] }, env);
    const fleet = undefined as never;
    expect(test(withMappings(sqs('999988887777')), fleet)).toBeUndefined();
    expect(test(withMappings(sqs('999988887777'), msk()), fleet)).toMatchObject({ accounts: '444455556666', count: 1 });
  });
});
