/** Layers published by an account that is neither the function's own nor on the allow list. */
import type { Check } from '../types.js';

export interface LayerCrossAccountOptions {
  /** Account ids whose layers are trusted (for example AWS's own Powertools and Insights accounts). */
  readonly allowedAccounts: readonly string[];
}

export const layerCrossAccount: Check<LayerCrossAccountOptions> = {
  meta: {
    id: 'layer-cross-account',
    description: 'Layers from accounts outside an allow list.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { allowedAccounts: { type: 'array', items: { type: 'string', pattern: '^\\d{12}$' } } },
    },
    defaults: { allowedAccounts: [] },
    vars: ['layers', 'accounts'],
  },
  create(options) {
    const allowed = new Set(options.allowedAccounts);
    return (record) => {
      const foreign = (record.configuration.Layers ?? [])
        .map((layer) => ({ arn: layer.Arn ?? '', account: /^arn:[^:]+:lambda:[^:]*:(\d{12}):layer:/.exec(layer.Arn ?? '')?.[1] }))
        .filter((l) => l.account !== undefined && l.account !== record.account && !allowed.has(l.account));
      if (foreign.length === 0) return undefined;
      return { layers: foreign.map((l) => l.arn).join(', '), accounts: [...new Set(foreign.map((l) => l.account))].join(', ') };
    };
  },
};
