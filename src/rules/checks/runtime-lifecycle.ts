/**
 * Runtime lifecycle from data (policies/runtimes.yaml), not code: `deprecated` fires once the
 * deprecation date has passed; `deprecating` fires when it falls within `withinDays` of "today".
 */
import type { Check } from '../types.js';

export interface RuntimeLifecycleOptions {
  readonly when: 'deprecated' | 'deprecating';
  readonly withinDays: number;
}

const DAY = 86_400_000;

export const runtimeLifecycle: Check<RuntimeLifecycleOptions> = {
  meta: {
    id: 'runtime-lifecycle',
    description: 'The function runtime is past, or close to, its AWS deprecation date.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        when: { enum: ['deprecated', 'deprecating'] },
        withinDays: { type: 'integer', minimum: 1, maximum: 3650 },
      },
    },
    defaults: { when: 'deprecated', withinDays: 180 },
    vars: ['runtime', 'runtimeName', 'deprecated', 'blockCreate', 'blockUpdate', 'days'],
    reads: ['configuration.Runtime'],
  },
  create(options, env) {
    const today = Date.UTC(env.asOf.getUTCFullYear(), env.asOf.getUTCMonth(), env.asOf.getUTCDate());
    // The answer depends on the runtime alone: work it out once per runtime, not per function.
    const cache = new Map<string, ReturnType<typeof judge>>();
    const judge = (runtime: string) => {
      const row = env.lifecycle.get(runtime);
      if (!row?.deprecated) return undefined;
      const deprecated = Date.parse(`${row.deprecated}T00:00:00Z`);
      const days = Math.round((deprecated - today) / DAY);
      const hit = options.when === 'deprecated' ? days <= 0 : days > 0 && days <= options.withinDays;
      if (!hit) return undefined;
      return {
        runtime,
        runtimeName: row.name,
        deprecated: row.deprecated,
        blockCreate: row.block_create ?? 'not announced',
        blockUpdate: row.block_update ?? 'not announced',
        days: Math.abs(days),
      };
    };
    return (record) => {
      const runtime = record.configuration.Runtime;
      if (runtime === undefined) return undefined;
      let result = cache.get(runtime);
      if (result === undefined && !cache.has(runtime)) {
        result = judge(runtime);
        cache.set(runtime, result);
      }
      return result;
    };
  },
};
