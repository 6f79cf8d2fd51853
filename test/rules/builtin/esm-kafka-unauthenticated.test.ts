import { ruleTester } from '../../helpers/rule-tester.js';
import { kafka, kinesis, msk, sqs, unknownMappings, withMappings } from '../../helpers/esm.js';

ruleTester('esm-kafka-unauthenticated', {
  valid: [
    withMappings(),
    withMappings(kinesis(), sqs()),
    withMappings(kafka(['SASL_SCRAM_512_AUTH', 'VPC_SUBNET'])),
    withMappings(kafka(['CLIENT_CERTIFICATE_TLS_AUTH'])),
    withMappings(msk()), // MSK: IAM or the cluster's own auth, not this rule
  ],
  invalid: [
    { record: withMappings(kafka([])), messageIncludes: ['dddd-kafka', 'b1.example.com'] },
    {
      record: withMappings(kafka(['VPC_SUBNET', 'VPC_SECURITY_GROUP', 'SERVER_ROOT_CA_CERTIFICATE'])),
      messageIncludes: ['dddd-kafka'],
    },
  ],
  notJudged: [{ record: unknownMappings('failed'), path: 'eventSourceMappings' }],
});
