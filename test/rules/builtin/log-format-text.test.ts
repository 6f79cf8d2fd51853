import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('log-format-text', {
  valid: [record({ configuration: { LoggingConfig: { LogFormat: 'JSON' } } })],
  invalid: [
    { record: record({ configuration: { LoggingConfig: { LogFormat: 'Text' } } }), messageIncludes: ['Text'] },
    { record: record() }, // no LoggingConfig at all: Lambda's default is Text
  ],
});
