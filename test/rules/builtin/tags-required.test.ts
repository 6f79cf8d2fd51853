import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('tags-required', {
  valid: [
    record({ tags: { team: 'a', owner: 'b', 'cost-center': 'c' } }),
    record(), // tags unknown (not fetched): not judged
  ],
  invalid: [
    { record: record({ tags: { team: 'a' } }), messageIncludes: ['owner, cost-center'] },
    { record: record({ tags: {} }) },
  ],
});
