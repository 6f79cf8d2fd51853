// The verdict fixture set for env-secret-suspected: realistic look-alikes (silent whatever their
// name) and true secrets (found whatever their name), each judged through the built-in rule on a
// record whose facts come from the real secrets boundary. Secrets are obviously fake but format-valid
// and built by concatenation, so the repository itself does not trip secret scanners.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/policy/load.js';
import { NotJudged, type CompiledRule } from '../../src/rules/types.js';
import { envValueFacts, redactConfiguration, envHashKey } from '../../src/snapshot/redact.js';
import { AS_OF, record } from '../helpers/rule-tester.js';

const j = (...parts: string[]): string => parts.join('');
const FAKE = 'EXAMPLEFAKE';

/** [name, value, expected, what the message must name (a detector or a shape)] */
type Case = readonly [name: string, value: string, expected: 'silent' | 'secret', names?: string];

const lookAlikes: Case[] = [
  // The list.
  ['TOKEN_TTL_SECONDS', '3600', 'silent'],
  ['PASSWORD_MIN_LENGTH', '12', 'silent'],
  ['MAX_TOKENS', '4096', 'silent'],
  ['ENABLE_TOKEN_REFRESH', 'true', 'silent'],
  ['SECRET_NAME', 'prod/orders/db-credentials', 'silent'],
  ['JWT_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/jwt-signing-Ab12Cd', 'silent'],
  ['API_KEY_PARAM', '/prod/payments/api-key', 'silent'],
  ['PRIVATE_KEY_PATH', '/var/task/keys/signing.pem', 'silent'],
  // Numbers, booleans, durations.
  ['TOKEN_REFRESH_INTERVAL', '15m', 'silent'],
  ['SESSION_TOKEN_LIFETIME', 'PT1H', 'silent'],
  ['PASSWORD_RESET_WINDOW', '1h30m', 'silent'],
  ['SECRET_CACHE_ENABLED', 'False', 'silent'],
  ['API_KEY_REQUIRED', 'yes', 'silent'],
  ['TOKEN_BUCKET_RATE', '12.5', 'silent'],
  // Where the secret lives, not the secret.
  ['DB_SECRET', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders/db-7hQ2kL', 'silent'],
  ['STRIPE_API_KEY', '/prod/payments/stripe/api-key', 'silent'],
  ['GITHUB_TOKEN_SECRET', 'ci/github/token', 'silent'],
  ['DB_PASSWORD', '{{resolve:secretsmanager:prod/orders/db:SecretString:password}}', 'silent'],
  ['SLACK_TOKEN', '${ssm:/prod/slack/bot-token}', 'silent'],
  ['CLIENT_SECRET', 'ssm:/prod/oauth/client-secret', 'silent'],
  ['SECRETS_EXTENSION_HTTP_PORT', '2773', 'silent'],
  ['JWT_PUBLIC_KEY_FILE', './keys/jwt.pub', 'silent'],
  ['TLS_PRIVATE_KEY', '/etc/ssl/private/server.key', 'silent'],
  ['CREDENTIALS_FILE', '/opt/config/credentials.json', 'silent'],
  // URLs without credentials, hosts, addresses.
  ['TOKEN_URL', 'https://auth.example.com/oauth2/token', 'silent'],
  ['JWKS_ENDPOINT', 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E/.well-known/jwks.json', 'silent'],
  ['SECRET_SERVICE', 'https://secrets.internal.example.com:8443/v1', 'silent'],
  ['TOKEN_ISSUER', 'auth.example.com', 'silent'],
  ['PASSWORD_RESET_SENDER', 'no-reply@example.com', 'silent'],
  // Too short to be worth guessing, or a name describing the secret.
  ['DB_PASSWORD', 'x', 'silent'],
  ['API_TOKEN', 'TODO', 'silent'],
  ['TOKEN_TYPE', 'Bearer', 'silent'],
  ['API_KEY_HEADER', 'x-api-key', 'silent'],
  ['PASSWORD_HASH_ALGORITHM', 'argon2id', 'silent'],
  ['JWT_SIGNING_ALG', 'RS256', 'silent'],
  ['SECRET_ROTATION_DAYS', '30', 'silent'],
  // Random-looking but not secret under a neutral name: a git SHA, a UUID, a hash.
  ['GIT_SHA', 'e83c5163316f89bfbde7d9ab23ca2e25604af290', 'silent'],
  ['BUILD_COMMIT', 'E83C5163316F89BFBDE7D9AB23CA2E25604AF290', 'silent'],
  ['REQUEST_NAMESPACE', '8f14e45f-ceea-467f-a0e6-5b6b1e4d6c2b', 'silent'],
  ['ARTIFACT_SHA256', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'silent'],
  ['TABLE_NAME', 'orders-table-1a2b3c4d', 'silent'],
  ['QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/111122223333/orders-queue', 'silent'],
  ['LOG_LEVEL', 'INFO', 'silent'],
];

const secrets: Case[] = [
  // Detectors fire whatever the name.
  ['SOMETHING', j('AKIA', 'IOSFODNN7', 'EXAMPLE'), 'secret', 'aws-access-key-id'],
  ['AWS_SECRET_ACCESS_KEY', j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCY', 'FAKEKEY123'), 'secret', 'aws-secret-access-key'],
  ['BACKUP', j('abcdEFGH1234/ijklMNOP', '5678+qrstUVWX9012yz'), 'secret', 'aws-secret-access-key'],
  [
    'SIGNING_KEY_PATH',
    j('-----BEGIN ', 'RSA PRIVATE KEY-----\nMIIEow', FAKE, '\n-----END RSA PRIVATE KEY-----'),
    'secret',
    'private-key',
  ],
  ['SESSION_CONFIG', j('eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiJ', FAKE, 'In0', '.c2lnbmF0dXJl', FAKE), 'secret', 'jwt'],
  ['CI_HELPER', j('gh', 'p_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'), 'secret', 'github-token'],
  ['GH_FINE', j('github_', 'pat_', '11ABCDEFG0', 'a'.repeat(30), 'B'.repeat(30)), 'secret', 'github-token'],
  ['BOT', j('xox', 'b-', '123456789012-1234567890123-', FAKE, 'abcdEFGH'), 'secret', 'slack-token'],
  [
    'ALERTS_URL',
    j('https://hooks.', 'slack.com/services/', 'T0000FAKE/B0000FAKE/', 'XXXXXXXXXXXXXXXXXXXXXXXX'),
    'secret',
    'slack-webhook-url',
  ],
  ['PAYMENTS', j('sk', '_live_', '4eC39HqLyjWDarjtT1zdp7dc', FAKE), 'secret', 'stripe-live-key'],
  ['DATABASE_URL', j('postgres://app:', 'S3cr3tFakePassw0rd', '@db.internal:5432/app'), 'secret', 'url-with-password'],
  [
    'FEED_URL',
    j('https://api.example.com/feed?format=json&api_key=', 'a8F3kL0pQ7zX2mN9bV4c'),
    'secret',
    'url-with-credential-parameter',
  ],
  // Secret-like names over values that can hold a secret.
  ['DB_PASSWORD', j('hunter2', 'Hunter2!'), 'secret', 'name matches'],
  ['ADMIN_PASSWD', 'correct horse battery staple', 'secret', 'text value'],
  ['JWT_SECRET', j('local-dev-', 'signing-secret'), 'secret', 'token value'],
  ['DATADOG_API_KEY', j('0123456789abcdef', '0123456789abcdef'), 'secret', 'name matches'],
  ['PARTNER_API_KEY', '8f14e45f-ceea-467f-a0e6-5b6b1e4d6c2b', 'secret', 'uuid value'],
  ['OAUTH_CLIENT_SECRET', j('Zx8', 'Qw2', 'Er5Ty7Ui9'), 'secret', 'name matches'],
  ['INTERNAL_CREDENTIALS', j('svc-orders:', 'pa55word-Fake'), 'secret', 'name matches'],
  // Random-looking values under neutral names stay findings.
  ['BLOB', j('q8Zt3Lr0Vw9Xy2Bn', '5Mk7Pj4Hd6Gf1Sa'), 'secret', 'random-looking'],
  ['CONFIG_SEED', j('Kf93-jd8_Q2mZ', 'x7LpW0rT5vYb8nC4'), 'secret', 'random-looking'],
];

const cases = [...lookAlikes, ...secrets];

describe('env-secret-suspected fixture set', () => {
  let rule: CompiledRule;
  beforeAll(async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    const found = rules.find((r) => r.id === 'env-secret-suspected');
    if (!found) throw new Error('no built-in rule env-secret-suspected');
    rule = found;
  });

  it('holds at least 40 values, both kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(lookAlikes.length).toBeGreaterThanOrEqual(20);
    expect(secrets.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c[0], c[2], c] as const))(
    '%s -> %s',
    (_name, _expected, [name, value, expected, names]) => {
      const r = record({ environmentFacts: { [name]: envValueFacts(value) } });
      const verdict = rule.test(r);
      if (expected === 'silent') {
        expect(verdict, `${name} (${envValueFacts(value).shape})`).toBeUndefined();
        return;
      }
      if (verdict === undefined || verdict instanceof NotJudged) throw new Error(`${name}: expected a finding`);
      const message = rule.message(r, verdict);
      expect(message).toContain(name);
      if (names) expect(message).toContain(names);
    },
  );

  it('keeps no value: the record holds hashes and facts only', () => {
    const key = envHashKey(Buffer.from('fixture-key'));
    const variables = Object.fromEntries(cases.map(([n, v], i) => [`${n}_${i}`, v]));
    const out = JSON.stringify(redactConfiguration({ Environment: { Variables: variables } }, key));
    for (const [, value] of cases) if (value.length >= 8) expect(out).not.toContain(value);
  });
});
