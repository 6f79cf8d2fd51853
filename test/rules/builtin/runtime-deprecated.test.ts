import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('runtime-deprecated', {
  valid: [
    record({ configuration: { Runtime: 'python3.13' } }),
    record({ configuration: { Runtime: 'nodejs22.x' } }),
    record({ configuration: { PackageType: 'Image' } }), // container image: no runtime
  ],
  invalid: [
    { record: record({ configuration: { Runtime: 'python3.8' } }), messageIncludes: ['python3.8', '2024-10-14'] },
    { record: record({ configuration: { Runtime: 'nodejs18.x' } }), messageIncludes: ['2025-09-01'] },
    // python3.10 was deprecated on 2026-10-31: past on 2026-11-22.
    { record: record({ configuration: { Runtime: 'python3.10' } }), messageIncludes: ['2026-10-31'] },
  ],
});

// The same record is not deprecated before its date: --as-of makes the answer reproducible.
ruleTester('runtime-deprecated', {
  asOf: new Date('2026-10-01T00:00:00Z'),
  valid: [record({ configuration: { Runtime: 'python3.10' } })],
  invalid: [],
});
