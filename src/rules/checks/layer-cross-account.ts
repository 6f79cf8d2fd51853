/** Layers published by an account that is neither the function's own nor on the allow list. */
import { NotJudged, type Check } from '../types.js';
import { unknownPartFor } from '../unknown.js';

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
    // The function's own account only matters when a layer is not on the allow list.
    reads: ['configuration.Layers'],
  },
  create(options) {
    const allowed = new Set(options.allowedAccounts);
    return (record) => {
      const layers = record.configuration.Layers;
      if (!layers || layers.length === 0) return undefined;
      const foreign: { arn: string; account: string }[] = [];
      for (const layer of layers) {
        // arn:aws:lambda:region:ACCOUNT:layer:name:version
        const account = layer.Arn?.split(':', 5)[4];
        if (account !== undefined && account !== record.account && !allowed.has(account))
          foreign.push({ arn: layer.Arn ?? '', account });
      }
      if (foreign.length === 0) return undefined;
      const ownAccount = unknownPartFor(record, 'account');
      if (ownAccount) return new NotJudged(ownAccount);
      return {
        layers: foreign.map((l) => l.arn).join(', '),
        accounts: [...new Set(foreign.map((l) => l.account))].join(', '),
      };
    };
  },
};
