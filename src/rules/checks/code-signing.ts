/**
 * Code signing (`codeSigning`: ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig once
 * per region, or the template's `CodeSigningConfigArn`):
 * - `when: missing` fires on a Zip function that no code signing config names: Lambda deploys any
 *   code package to it, signed or not;
 * - `when: warn` fires on a function whose config only warns (`UntrustedArtifactOnDeployment:
 *   Warn`, the API's default): an unsigned or tampered package is deployed all the same.
 *
 * Image functions cannot use code signing (Lambda accepts a config on Zip functions only): neither
 * rule judges them. When the read was refused, failed or skipped (`--no-code-signing`), the Zip
 * function's `codeSigning` is an unknown part and it is not judged; a record that holds no
 * `codeSigning` and says nothing about it (an older snapshot, an input file) was not read either.
 */
import type { FunctionRecord } from '../../snapshot/types.js';
import { NotJudged, type Check } from '../types.js';
import { unknownPartFor } from '../unknown.js';

export interface CodeSigningOptions {
  readonly when: 'missing' | 'warn';
}

const OFFLINE = new Set<FunctionRecord['source']>(['input', 'template', 'plan']);

export const codeSigning: Check<CodeSigningOptions> = {
  meta: {
    id: 'code-signing',
    description: 'Zip functions without a code signing config, or with one that only warns.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { when: { enum: ['missing', 'warn'] } },
    },
    defaults: { when: 'missing' },
    vars: ['config', 'policy'],
    // Not `codeSigning`: an image function is passed over whatever its code signing read said.
    reads: [],
  },
  create(options) {
    return (record) => {
      if (record.configuration.PackageType === 'Image') return undefined;
      const part = unknownPartFor(record, 'codeSigning');
      if (part) return new NotJudged(part);
      const signing = record.codeSigning;
      if (signing === undefined)
        return new NotJudged(
          OFFLINE.has(record.source)
            ? { path: 'codeSigning', reason: 'not-in-input', detail: 'code signing is not in the input' }
            : { path: 'codeSigning', reason: 'skipped', detail: 'not read' },
        );
      if (options.when === 'missing') return signing === null ? { config: 'none', policy: 'none' } : undefined;
      if (signing === null || signing.UntrustedArtifactOnDeployment === 'Enforce') return undefined;
      return { config: signing.CodeSigningConfigArn, policy: signing.UntrustedArtifactOnDeployment };
    };
  },
};
