/**
 * Environment variables that hold a secret, from the facts the crawler kept (length, entropy,
 * detector names, value shape); the value itself never reached this far. Three ways to fire:
 * - a credential detector matched the value (whatever the name);
 * - the name looks like a secret's and the value can hold one (a `token` or `text` value, or a
 *   `uuid`/`hex` one, long enough to be worth guessing): `TOKEN_TTL_SECONDS=3600`,
 *   `SECRET_NAME=prod/orders/db` or `API_KEY_PARAM=/prod/api-key` name a secret, they do not hold it;
 * - a long, random-looking `token` under any name (a git SHA or a UUID is not random enough).
 * Variables whose value is unknown (infrastructure as code before deploy) are judged one by one: a
 * clear-text secret next to them still fires; only a record where nothing fires and something is
 * unknown is not judged.
 */
import type { EnvValueFacts } from '../../snapshot/types.js';
import type { Check } from '../types.js';
import { NotJudged } from '../types.js';
import { unknownPartFor } from '../unknown.js';

export interface EnvSecretOptions {
  /** Case-insensitive regexes on variable names. */
  readonly namePatterns: readonly string[];
  /**
   * Case-insensitive regexes on names that describe a secret rather than hold it (`SECRET_NAME`,
   * `API_KEY_HEADER`, `TOKEN_TTL`): a name match is dropped when one of these matches too.
   */
  readonly describingNamePatterns: readonly string[];
  /** Names that are never reported (exact). */
  readonly ignoreNames: readonly string[];
  /** A value under a secret-like name shorter than this is too short to be worth guessing (a flag, a placeholder). */
  readonly minSecretLength: number;
  /** A token-like value (no URL, ARN, path or spaces) this long and this random (bits per character) is suspect whatever its name. */
  readonly minEntropy: number;
  readonly minLength: number;
}

/** Shapes that can hold a secret under a secret-like name. Everything else says what the value is. */
const NAMED_SECRET_SHAPES = new Set<EnvValueFacts['shape']>(['token', 'text', 'uuid', 'hex']);

export const envSecret: Check<EnvSecretOptions> = {
  meta: {
    id: 'env-secret',
    description:
      'Environment variables whose value is a credential, or whose name and value together look like a secret.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namePatterns: { type: 'array', items: { type: 'string', format: 'regex' } },
        describingNamePatterns: { type: 'array', items: { type: 'string', format: 'regex' } },
        ignoreNames: { type: 'array', items: { type: 'string' } },
        minSecretLength: { type: 'integer', minimum: 1 },
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
      describingNamePatterns: [
        '(^|_)(name|arn|id|path|param|parameter|file|dir|url|uri|endpoint|host|header|field|ttl|ttl_seconds|length|len|size|count|limit|max|min|expiry|expires|expiration|timeout|seconds|minutes|hours|days|ms|enabled|disabled|enable|region|type|algorithm|alg|version|issuer|audience|mode|policy|provider|prefix|rotation|rotation_days)$',
      ],
      ignoreNames: [],
      minSecretLength: 8,
      minEntropy: 4.5,
      minLength: 20,
    },
    vars: ['variables', 'count'],
    // Not the whole variables map: an unknown variable must not hide a clear-text secret next to it.
    reads: [],
  },
  create(options) {
    const patterns = options.namePatterns.map((p) => new RegExp(p, 'i'));
    const describing = options.describingNamePatterns.map((p) => new RegExp(p, 'i'));
    const ignored = new Set(options.ignoreNames);
    const why = (name: string, f: EnvValueFacts): string | undefined => {
      if (f.length === 0 || ignored.has(name)) return undefined;
      if (f.detectors.length > 0) return `${f.detectors.join('+')} detector`;
      const named = patterns.find((p) => p.test(name));
      if (
        named &&
        !describing.some((p) => p.test(name)) &&
        NAMED_SECRET_SHAPES.has(f.shape) &&
        f.length >= options.minSecretLength
      )
        return `name matches /${named.source}/, ${f.length}-character ${f.shape} value`;
      if (f.shape === 'token' && f.length >= options.minLength && f.entropy >= options.minEntropy)
        return `random-looking ${f.length}-character value, ${f.entropy} bits/character`;
      return undefined;
    };
    return (record) => {
      const facts = record.environmentFacts;
      let suspects: string[] | undefined;
      for (const name in facts) {
        const f = facts[name];
        const reason = f && why(name, f);
        if (reason) (suspects ??= []).push(`${name} (${reason})`);
      }
      if (suspects) {
        suspects.sort();
        return { variables: suspects.join(', '), count: suspects.length };
      }
      const unknown = unknownPartFor(record, 'configuration.Environment.Variables');
      return unknown ? new NotJudged(unknown) : undefined;
    };
  },
};
