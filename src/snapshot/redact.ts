/**
 * The secrets boundary. Everything the crawler (or `--input`) reads passes through here before it
 * becomes a snapshot record, so no later stage ever holds an environment value, a presigned code
 * URL or a token.
 *
 * Environment values become keyed hashes (HMAC-SHA256 under the user's key): a changed value still
 * shows up as drift, but without the key a hash cannot be tested against guesses, and the value
 * cannot be recovered. Facts a rule needs (length, entropy, which secret detectors matched) are
 * computed here, from the value, and only the facts leave.
 */
import { createHash, createHmac } from 'node:crypto';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { CodeMetadata, EnvValueFacts } from './types.js';

export interface EnvHashKey {
  readonly secret: Buffer;
  /** Public fingerprint of the key: hashes made under different ids are not comparable. */
  readonly id: string;
}

export function envHashKey(secret: Buffer): EnvHashKey {
  return { secret, id: createHash('sha256').update(secret).digest('hex').slice(0, 12) };
}

export const ENV_HASH_PREFIX = 'hmac-sha256:';

export function hashEnvValue(key: EnvHashKey, name: string, value: string): string {
  // The name is part of the message so two variables with the same value do not share a hash.
  const mac = createHmac('sha256', key.secret).update(name).update('\0').update(value).digest('base64url');
  return `${ENV_HASH_PREFIX}${mac.slice(0, 32)}`;
}

/**
 * Detectors for values that are credentials whatever their variable's name. Names go into the
 * snapshot; values never do. Formats: AWS access keys (AKIA/ASIA + 16), AWS secret keys (40
 * characters of base64 with mixed case: a 40-hex git SHA is not one), PEM private keys, JWTs,
 * GitHub tokens (classic and fine-grained), Slack tokens and incoming-webhook URLs, Stripe live keys,
 * and URLs carrying a password or a credential in their query string.
 */
const secretDetectors: ReadonlyArray<readonly [string, (value: string) => boolean]> = [
  ['aws-access-key-id', matches(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/)],
  ['aws-secret-access-key', isAwsSecretKey],
  ['private-key', matches(/-----BEGIN [A-Z ]*PRIVATE KEY-----/)],
  ['jwt', matches(/\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/)],
  ['github-token', matches(/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/)],
  ['slack-token', matches(/\bxox[abprs]-[A-Za-z0-9-]{10,}/)],
  [
    'slack-webhook-url',
    matches(/https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]{16,}/),
  ],
  ['stripe-live-key', matches(/\b[sr]k_live_[A-Za-z0-9]{16,}/)],
  ['url-with-password', matches(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i)],
  [
    'url-with-credential-parameter',
    matches(
      /^[a-z][a-z0-9+.-]*:\/\/[^?\s]*\?(?:[^#\s]*&)?[\w-]*(?:token|secret|passw(?:or)?d|signature|sig|api[_-]?key|access[_-]?key|credential)[\w-]*=[^&#\s]{16,}/i,
    ),
  ],
];

function matches(re: RegExp): (value: string) => boolean {
  return (value) => re.test(value);
}

/** 40 characters of base64 with upper case, lower case and a digit (or `/`, `+`): the AWS secret key format. */
function isAwsSecretKey(value: string): boolean {
  return /^[A-Za-z0-9/+]{40}$/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9/+]/.test(value);
}

export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return Math.round(bits * 100) / 100;
}

export function envValueFacts(value: string): EnvValueFacts {
  return {
    length: value.length,
    entropy: shannonEntropy(value),
    detectors: secretDetectors.filter(([, test]) => test(value)).map(([name]) => name),
    shape: valueShape(value),
  };
}

/** Where file paths start: an SSM parameter path starts with `/` too, but not with one of these. */
const FILE_ROOTS =
  /^(?:\/(?:var|tmp|opt|mnt|etc|usr|home|run|srv|proc|dev|root|lib|bin|efs|data)(?:\/|$)|\.{1,2}\/|~\/|[A-Za-z]:\\)/;
const FILE_EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,7}$/;
const DURATION =
  /^(?:\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)|(?:\d+(?:ms|[smhdw]))+|P(?:\d+[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?)$/i;

/**
 * What the value looks like. Only `token` and `text` (and, under a secret-like name, `uuid` and
 * `hex`) can hold a secret; every other shape says what the value is instead (a number, an ARN, a
 * path, a reference to where the secret is kept).
 */
function valueShape(value: string): EnvValueFacts['shape'] {
  if (value === '') return 'empty';
  if (/^(?:\{\{resolve:|\$\{(?:ssm|aws|secretsmanager|self|env|opt|cf|file)\b|ssm:|secretsmanager:)/.test(value))
    return 'reference';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  if (value.startsWith('arn:')) return 'arn';
  if (/^[-+]?\d+(\.\d+)?$/.test(value)) return 'number';
  if (/^(?:true|false|yes|no|on|off|enabled|disabled)$/i.test(value)) return 'boolean';
  if (DURATION.test(value)) return 'duration';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return 'uuid';
  if (/^(?:[0-9a-f]{40}|[0-9a-f]{64}|[0-9A-F]{40}|[0-9A-F]{64})$/.test(value)) return 'hex';
  if (FILE_ROOTS.test(value) || (/^\/[^\s]*$/.test(value) && FILE_EXTENSION.test(value))) return 'file-path';
  if (/^\/[\w.\-/]+$/.test(value)) return 'ssm-path';
  if (isSecretName(value)) return 'secret-name';
  if (/^[^@\s]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(value)) return 'email';
  if (/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?$/.test(value)) return 'hostname';
  if (/\s/.test(value)) return 'text';
  return 'token';
}

/**
 * A Secrets Manager secret name (`prod/orders/db-credentials`): two or more `/`-separated parts made
 * of words. Base64 has `/` too, but its parts are not words (`wJalrXUtnFEMI` mixes cases at random).
 */
function isSecretName(value: string): boolean {
  if (!/^[\w+=.@-]+(?:\/[\w+=.@-]+)+$/.test(value)) return false;
  return value
    .split(/[/_.@+=-]/)
    .filter((w) => w !== '')
    .every((w) => /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+|\d{1,8}|[a-z]+\d{1,4}|v\d+)$/.test(w) && w.length <= 24);
}

export interface RedactedConfig {
  readonly configuration: FunctionConfiguration;
  readonly environmentFacts?: Record<string, EnvValueFacts>;
}

/** Returns a copy of `config` with environment values hashed, and the facts about those values. */
export function redactConfiguration(config: FunctionConfiguration, key: EnvHashKey): RedactedConfig {
  // Response metadata (from a whole SDK answer given as a configuration, or an --input file) is not configuration.
  /* eslint-disable @typescript-eslint/no-unused-vars -- taken out of the copy on purpose */
  const {
    Environment,
    $metadata: _metadata,
    ResponseMetadata: _responseMetadata,
    ...rest
  } = config as FunctionConfiguration & { $metadata?: unknown; ResponseMetadata?: unknown };
  /* eslint-enable @typescript-eslint/no-unused-vars */
  const variables = Environment?.Variables;
  if (!Environment) return { configuration: rest };
  if (!variables) return { configuration: { ...rest, Environment: sanitizeEnvironmentError(Environment) } };
  const hashed: Record<string, string> = {};
  const facts: Record<string, EnvValueFacts> = {};
  for (const name of Object.keys(variables).sort()) {
    const value = variables[name] ?? '';
    hashed[name] = hashEnvValue(key, name, value);
    facts[name] = envValueFacts(value);
  }
  return {
    configuration: { ...rest, Environment: { ...sanitizeEnvironmentError(Environment), Variables: hashed } },
    environmentFacts: facts,
  };
}

function sanitizeEnvironmentError(
  env: NonNullable<FunctionConfiguration['Environment']>,
): FunctionConfiguration['Environment'] {
  if (!env.Error) return { ...env };
  return {
    ...env,
    Error: {
      ...env.Error,
      ...(env.Error.Message === undefined ? {} : { Message: sanitizeMessage(env.Error.Message) }),
    },
  };
}

/** Keeps only the documented, non-secret code fields: `Location` is a presigned URL and is dropped. */
export function redactCode(code: Record<string, unknown> | undefined): CodeMetadata | undefined {
  if (!code) return undefined;
  const out: Record<string, string> = {};
  for (const field of ['RepositoryType', 'ImageUri', 'ResolvedImageUri', 'SourceKMSKeyArn'] as const) {
    const value = code[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

/**
 * Error messages come from the API or the network stack. They are kept short and lose anything that
 * could carry a credential: URL query strings (presigned URLs) and long token-like runs.
 */
export function sanitizeMessage(message: string): string {
  return message
    .replace(/(https?:\/\/[^\s?"']+)\?[^\s"']*/g, '$1?<redacted>')
    .replace(/[A-Za-z0-9+/=_-]{64,}/g, '<redacted>')
    .slice(0, 500);
}
