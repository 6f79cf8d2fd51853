import { record, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('tags-required', {
  valid: [record({ tags: { team: 'a', owner: 'b', 'cost-center': 'c' } })],
  invalid: [
    { record: record({ tags: { team: 'a' } }), messageIncludes: ['owner, cost-center'] },
    { record: record({ tags: {} }) },
    // GetFunction leaves Tags out of an untagged function: untagged, judged.
    { record: record(), messageIncludes: ['team, owner, cost-center'] },
    { record: record({ source: 'input' }), messageIncludes: ['team, owner, cost-center'] },
  ],
  notJudged: [
    // TagsError: the caller may not list tags.
    {
      record: record({
        tagsError: { ErrorCode: 'AccessDeniedException' },
        unknown: [{ path: 'tags', reason: 'denied', detail: 'AccessDeniedException' }],
      }),
      path: 'tags',
    },
    // A snapshot from before tags were recorded as unknown: TagsError alone.
    { record: record({ tagsError: { ErrorCode: 'AccessDeniedException' } }), path: 'tags' },
    // list-functions input carries no tags.
    {
      record: record({ source: 'input', unknown: [{ path: 'tags', reason: 'not-in-input' }] }),
      path: 'tags',
    },
    // GetFunction failed: only the listed configuration.
    { record: record({ source: 'ListFunctions', status: 'failed' }), path: 'tags' },
  ],
});
