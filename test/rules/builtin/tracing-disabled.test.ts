import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('tracing-disabled', {
  valid: [record({ configuration: { TracingConfig: { Mode: 'Active' } } })],
  invalid: [
    { record: record({ configuration: { TracingConfig: { Mode: 'PassThrough' } } }), messageIncludes: ['PassThrough'] },
    { record: record() },
  ],
});
