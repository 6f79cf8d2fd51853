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

/** Detectors for values that look like credentials. Names go into the snapshot; values never do. */
const secretDetectors: ReadonlyArray<readonly [string, RegExp]> = [
  ['aws-access-key-id', /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/],
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['jwt', /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/],
  ['github-token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['slack-token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['stripe-live-key', /\b[sr]k_live_[A-Za-z0-9]{16,}/],
  ['url-with-password', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];

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
    detectors: secretDetectors.filter(([, re]) => re.test(value)).map(([name]) => name),
    shape: valueShape(value),
  };
}

function valueShape(value: string): EnvValueFacts['shape'] {
  if (value === '') return 'empty';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'url';
  if (value.startsWith('arn:')) return 'arn';
  if (/^-?\d+(\.\d+)?$/.test(value)) return 'number';
  if (/\s/.test(value)) return 'text';
  return 'token';
}

export interface RedactedConfig {
  readonly configuration: FunctionConfiguration;
  readonly environmentFacts?: Record<string, EnvValueFacts>;
}

/** Returns a copy of `config` with environment values hashed, and the facts about those values. */
export function redactConfiguration(config: FunctionConfiguration, key: EnvHashKey): RedactedConfig {
  const { Environment, ...rest } = stripMetadata(config);
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

function stripMetadata(config: FunctionConfiguration): FunctionConfiguration {
  const copy = { ...config } as FunctionConfiguration & { $metadata?: unknown; ResponseMetadata?: unknown };
  delete copy.$metadata;
  delete copy.ResponseMetadata;
  return copy;
}
