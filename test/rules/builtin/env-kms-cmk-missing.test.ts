import { record, ruleTester } from '../../helpers/rule-tester.js';

const env = { Variables: { TABLE: 'hmac-sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } };
ruleTester('env-kms-cmk-missing', {
  valid: [
    record(),
    record({ configuration: { Environment: { Variables: {} } } }),
    record({ configuration: { Environment: env, KMSKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abc' } }),
  ],
  invalid: [
    { record: record({ name: 'needs-key', configuration: { Environment: env } }), messageIncludes: ['needs-key'] },
  ],
});
