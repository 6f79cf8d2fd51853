/**
 * Where the key for environment-value hashes comes from. It must be stable across runs (or drift
 * would see every value change) and must not be in the snapshot (or the hashes could be tested
 * against guesses). Order: `LAMBDA_AUDIT_ENV_HASH_KEY`, then a key file created on first use.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AuditError } from '../errors.js';
import { envHashKey, type EnvHashKey } from '../snapshot/redact.js';

export const ENV_KEY_VARIABLE = 'LAMBDA_AUDIT_ENV_HASH_KEY';
/** The demo fleet's key is public: the demo has no real secrets. */
export const DEMO_ENV_KEY = envHashKey(Buffer.from('lambda-audit demo key (public, not secret)'));

export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'lambda-audit', 'env-hash.key');
}

export async function loadEnvHashKey(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
): Promise<EnvHashKey> {
  const fromEnv = env[ENV_KEY_VARIABLE];
  if (fromEnv !== undefined) {
    if (fromEnv.length < 16)
      throw new AuditError(
        'E_CONFIG',
        `${ENV_KEY_VARIABLE} must be at least 16 characters (got ${fromEnv.length}); use for example: openssl rand -hex 32`,
      );
    return envHashKey(Buffer.from(fromEnv, 'utf8'));
  }
  const file = defaultKeyFile(env);
  try {
    return envHashKey(Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new AuditError('E_CONFIG', `could not read the hash key file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
  }
  const secret = randomBytes(32).toString('hex');
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    log(
      `created ${file}: the key for environment-value hashes (keep it stable to compare baselines; set ${ENV_KEY_VARIABLE} in CI)`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadEnvHashKey(env, log);
    throw new AuditError(
      'E_CONFIG',
      `could not create the hash key file ${file}: ${(error as Error).message}; set ${ENV_KEY_VARIABLE} instead`,
      { cause: error },
    );
  }
  return envHashKey(Buffer.from(secret, 'utf8'));
}
