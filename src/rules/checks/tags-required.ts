/** Required tag keys. Records whose tags could not be read (TagsError, or not fetched) are not judged. */
import type { Check } from '../types.js';

export interface TagsRequiredOptions {
  readonly keys: readonly string[];
}

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
      if (!record.tags) return undefined;
      const missing = options.keys.filter((k) => record.tags?.[k] === undefined || record.tags[k] === '');
      return missing.length === 0 ? undefined : { missing: missing.join(', ') };
    };
  },
};
