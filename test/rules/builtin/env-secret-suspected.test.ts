import { record, ruleTester } from '../../helpers/rule-tester.js';
import { envValueFacts } from '../../../src/snapshot/redact.js';

const facts = (vars: Record<string, string>) =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, envValueFacts(v)]));
const planTime = (name: string) =>
  [{ path: `configuration.Environment.Variables.${name}`, reason: 'plan-time', detail: '!Ref DbPassword' }] as const;

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
    // Too short to be worth guessing, and a number: silent whatever the name.
    record({ environmentFacts: facts({ DB_PASSWORD: 'x', TOKEN_TTL_SECONDS: '3600' }) }),
  ],
  invalid: [
    {
      record: record({ environmentFacts: facts({ DB_PASSWORD: 'Hunter2Hunter2!' }) }),
      messageIncludes: ['DB_PASSWORD (name matches'],
    },
    {
      record: record({ environmentFacts: facts({ SOMETHING: ['AKIA', 'ABCDEFGHIJKLMNOP'].join('') }) }),
      messageIncludes: ['SOMETHING (aws-access-key-id detector)'],
    },
    {
      record: record({ environmentFacts: facts({ BLOB: 'q8Zt3Lr0Vw9Xy2Bn5Mk7Pj4Hd6Gf1Sa' }) }),
      messageIncludes: ['BLOB (random-looking'],
    },
    // A clear-text secret next to a variable only known at deploy time still fires.
    {
      record: record({
        environmentFacts: facts({ API_KEY: 'q8Zt3Lr0Vw9Xy2Bn5Mk7' }),
        unknown: planTime('DB_PASSWORD'),
      }),
      messageIncludes: ['API_KEY'],
    },
  ],
  notJudged: [
    // Nothing fires, and one value is unknown: not judged, naming that variable.
    {
      record: record({ environmentFacts: facts({ LOG_LEVEL: 'info' }), unknown: planTime('DB_PASSWORD') }),
      path: 'configuration.Environment.Variables.DB_PASSWORD',
    },
    {
      record: record({
        unknown: [{ path: 'configuration.Environment.Variables', reason: 'plan-time', detail: 'Fn::If' }],
      }),
      path: 'configuration.Environment.Variables',
    },
  ],
});
