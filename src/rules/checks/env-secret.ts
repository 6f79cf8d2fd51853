/**
 * Environment variables that look like secrets, from the facts the crawler kept (name, length,
 * entropy, detector names); the value itself never reached this far.
 */
import type { Check } from '../types.js';

export interface EnvSecretOptions {
  /** Case-insensitive regexes on variable names. */
  readonly namePatterns: readonly string[];
  /** Names that are never reported (exact). */
  readonly ignoreNames: readonly string[];
  /** A token-like value (no URL, ARN or spaces) this long and this random (bits per character) is suspect whatever its name. */
  readonly minEntropy: number;
  readonly minLength: number;
}

export const envSecret: Check<EnvSecretOptions> = {
  meta: {
    id: 'env-secret',
    description: 'Environment variables whose name or value looks like a secret.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namePatterns: { type: 'array', items: { type: 'string', format: 'regex' } },
        ignoreNames: { type: 'array', items: { type: 'string' } },
        minEntropy: { type: 'number', minimum: 0, maximum: 8 },
        minLength: { type: 'integer', minimum: 1 },
      },
    },
    defaults: {
      namePatterns: [
        'passw(or)?d',
        'secret',
        'token',
        'api_?key',
        'private_?key',
        'credential',
        '^aws_secret_access_key$',
      ],
      ignoreNames: [],
      minEntropy: 4.5,
      minLength: 20,
    },
    vars: ['variables', 'count'],
    reads: ['configuration.Environment.Variables', 'environmentFacts'],
  },
  create(options) {
    const patterns = options.namePatterns.map((p) => new RegExp(p, 'i'));
    const ignored = new Set(options.ignoreNames);
    return (record) => {
      const facts = record.environmentFacts;
      if (!facts) return undefined;
      let suspects: string[] | undefined;
      for (const name in facts) {
        const f = facts[name];
        if (!f || f.length === 0 || ignored.has(name)) continue;
        if (
          f.detectors.length > 0 ||
          (f.shape === 'token' && f.length >= options.minLength && f.entropy >= options.minEntropy) ||
          patterns.some((p) => p.test(name))
        ) {
          (suspects ??= []).push(name);
        }
      }
      if (!suspects) return undefined;
      suspects.sort();
      return { variables: suspects.join(', '), count: suspects.length };
    };
  },
};
