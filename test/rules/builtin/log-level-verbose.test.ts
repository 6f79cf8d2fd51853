import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('log-level-verbose', {
  valid: [
    record(),
    record({
      configuration: { LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' } },
    }),
  ],
  invalid: [
    {
      record: record({
        configuration: { LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'TRACE', SystemLogLevel: 'INFO' } },
      }),
      messageIncludes: ['TRACE'],
    },
    { record: record({ configuration: { LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG' } } }) },
    {
      record: record({
        configuration: { LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'ERROR', SystemLogLevel: 'DEBUG' } },
      }),
      messageIncludes: ['system at DEBUG'],
    },
  ],
});
