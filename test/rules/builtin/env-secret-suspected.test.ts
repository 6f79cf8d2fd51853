import { record, ruleTester } from '../../helpers/rule-tester.js';
import { envValueFacts } from '../../../src/snapshot/redact.js';

const facts = (vars: Record<string, string>) =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, envValueFacts(v)]));
ruleTester('env-secret-suspected', {
  valid: [
    record(),
    record({
      environmentFacts: facts({
        TABLE_NAME: 'orders',
        LOG_LEVEL: 'info',
        QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/q-8f3a9c',
      }),
    }),
    record({ environmentFacts: facts({ TOPIC: 'arn:aws:sns:us-east-1:111122223333:alerts-Zk93Jd82Lq' }) }),
  ],
  invalid: [
    { record: record({ environmentFacts: facts({ DB_PASSWORD: 'x' }) }), messageIncludes: ['DB_PASSWORD'] },
    {
      record: record({ environmentFacts: facts({ SOMETHING: 'AKIAABCDEFGHIJKLMNOP' }) }),
      messageIncludes: ['SOMETHING'],
    },
    {
      record: record({ environmentFacts: facts({ BLOB: 'q8Zt3Lr0Vw9Xy2Bn5Mk7Pj4Hd6Gf1Sa' }) }),
      messageIncludes: ['BLOB'],
    },
  ],
});
