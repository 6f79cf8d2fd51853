import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('runtime-deprecation-soon', {
  valid: [
    record({ configuration: { Runtime: 'python3.8' } }), // already deprecated: the other rule
    record({ configuration: { Runtime: 'python3.13' } }), // 2029
  ],
  invalid: [
    // ruby3.3 is deprecated on 2027-03-31: 129 days after 2026-11-22.
    { record: record({ configuration: { Runtime: 'ruby3.3' } }), messageIncludes: ['2027-03-31', '129 days'] },
    { record: record({ configuration: { Runtime: 'nodejs22.x' } }), messageIncludes: ['2027-04-30'] },
  ],
});

// "What breaks by 2027-06-01?": as of 2027-01-01, python3.11 (2027-06-30) is within 180 days.
ruleTester('runtime-deprecation-soon', {
  asOf: new Date('2027-01-01T00:00:00Z'),
  valid: [],
  invalid: [{ record: record({ configuration: { Runtime: 'python3.11' } }) }],
});
