import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('function-state-unhealthy', {
  valid: [
    record({ configuration: { State: 'Active', LastUpdateStatus: 'Successful' } }),
    record({ configuration: { State: 'Pending' } }),
  ],
  invalid: [
    {
      record: record({ configuration: { State: 'Failed', StateReasonCode: 'InvalidStateKMSKey' } }),
      messageIncludes: ['InvalidStateKMSKey'],
    },
    { record: record({ configuration: { State: 'Inactive' } }) },
    { record: record({ configuration: { State: 'Active', LastUpdateStatus: 'Failed' } }) },
  ],
});
