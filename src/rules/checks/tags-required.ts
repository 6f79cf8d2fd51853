/**
 * Required tag keys. GetFunction leaves `Tags` out when a function has none, so a fetched record
 * without tags is untagged and judged. Records whose tags could not be read (`TagsError`: the
 * caller lacks lambda:ListTags; GetFunction failed; list-functions input) carry an unknown `tags`
 * part and are not judged (the engine counts them).
 */
import type { FunctionRecord } from '../../snapshot/types.js';
import { NotJudged, type Check } from '../types.js';

export interface TagsRequiredOptions {
  readonly keys: readonly string[];
}

/** Sources whose records hold every tag there is: absent tags mean none. */
const COMPLETE_SOURCES = new Set<FunctionRecord['source']>([
  'GetFunction',
  'ListVersionsByFunction',
  'input',
  'template',
  'plan',
]);

export const tagsRequired: Check<TagsRequiredOptions> = {
  meta: {
    id: 'tags-required',
    description: 'Functions missing required tag keys.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { keys: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
    },
    defaults: { keys: ['team', 'owner', 'cost-center'] },
    vars: ['missing'],
    reads: ['tags'],
  },
  create(options) {
    return (record) => {
      // Snapshots written before tags were recorded as unknown: TagsError alone says "not read".
      if (record.tagsError)
        return new NotJudged({ path: 'tags', reason: 'denied', detail: record.tagsError.ErrorCode ?? 'TagsError' });
      const tags = record.tags ?? (COMPLETE_SOURCES.has(record.source) && record.status === 'ok' ? {} : undefined);
      if (!tags) return new NotJudged({ path: 'tags', reason: 'skipped', detail: 'not read' });
      const missing = options.keys.filter((k) => tags[k] === undefined || tags[k] === '');
      return missing.length === 0 ? undefined : { missing: missing.join(', ') };
    };
  },
};
