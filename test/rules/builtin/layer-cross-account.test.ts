import { record, ruleTester } from '../../helpers/rule-tester.js';

const layer = (account: string) => ({ Arn: `arn:aws:lambda:us-east-1:${account}:layer:x:1` });
ruleTester('layer-cross-account', {
  valid: [
    record(),
    record({ configuration: { Layers: [layer('111122223333')] } }), // own account
    record({ configuration: { Layers: [layer('017000801446')] } }), // Powertools, on the default allow list
  ],
  invalid: [
    {
      record: record({ configuration: { Layers: [layer('111122223333'), layer('999988887777')] } }),
      messageIncludes: ['999988887777'],
    },
  ],
});
