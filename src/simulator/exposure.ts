/**
 * Who can invoke a demo function: a resource-based policy, a function URL and asynchronous
 * invocation settings, planted from named scenarios so the ground truth (which exposure rule
 * should fire on which function) is known without re-implementing the rules.
 *
 * Drawn from a random stream of its own, so adding exposure left the rest of the fleet (names,
 * runtimes, secrets, tags) exactly as it was.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { pick, weighted, type Random } from './random.js';

/** The rules whose firing the fleet plants and records. */
export type ExposureRuleId =
  | 'function-public-access'
  | 'function-url-public'
  | 'function-url-cors-wildcard'
  | 'function-cross-account-invoke'
  | 'dlq-missing';

export const EXPOSURE_RULES: readonly ExposureRuleId[] = [
  'dlq-missing',
  'function-cross-account-invoke',
  'function-public-access',
  'function-url-cors-wildcard',
  'function-url-public',
];

/** An IAM policy document as GetPolicy returns it (before parsing): single values stay single. */
export interface SimPolicy {
  Version: '2012-10-17';
  Id: 'default';
  Statement: Record<string, unknown>[];
}

export interface SimFunctionUrl {
  FunctionUrl: string;
  AuthType: 'NONE' | 'AWS_IAM';
  InvokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  CreationTime: string;
  LastModifiedTime: string;
  Cors?: {
    AllowCredentials?: boolean;
    AllowHeaders?: string[];
    AllowMethods?: string[];
    AllowOrigins?: string[];
    ExposeHeaders?: string[];
    MaxAge?: number;
  };
}

export interface SimEventInvokeConfig {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

export interface SimExposure {
  policy?: SimPolicy;
  url?: SimFunctionUrl;
  eventInvokeConfig?: SimEventInvokeConfig;
  /** Which scenario planted the policy and URL (for people reading a test failure). */
  scenario: PolicyScenario;
  /** The exposure rules that should fire on this function, sorted. */
  expected: ExposureRuleId[];
}

/** Accounts outside the demo's that are granted invoke: a partner and a vendor. */
export const PARTNER_ACCOUNTS = ['210987654321', '333344445555'] as const;
const ORG_ID = 'o-a1b2c3d4e5';

type PolicyScenario =
  | 'none'
  | 'service-with-source'
  | 'same-account-role'
  | 'org-restricted'
  | 'cross-account'
  | 'public'
  | 'public-url'
  | 'public-url-cors-wildcard'
  | 'stale-url-grant'
  | 'iam-url-with-grant'
  | 'iam-url-no-grant'
  | 'none-url-no-grant';

const scenarios: ReadonlyArray<readonly [PolicyScenario, number]> = [
  ['none', 50],
  ['service-with-source', 18],
  ['same-account-role', 5],
  ['org-restricted', 4],
  ['cross-account', 5],
  ['public', 3],
  ['public-url', 3],
  ['public-url-cors-wildcard', 2],
  ['stale-url-grant', 3],
  ['iam-url-with-grant', 3],
  ['iam-url-no-grant', 2],
  ['none-url-no-grant', 2],
];

const services = [
  ['s3.amazonaws.com', 'arn:aws:s3:::{team}-uploads'],
  ['sns.amazonaws.com', 'arn:aws:sns:{region}:{account}:{team}-events'],
  ['events.amazonaws.com', 'arn:aws:events:{region}:{account}:rule/{team}-schedule'],
  ['apigateway.amazonaws.com', 'arn:aws:execute-api:{region}:{account}:abc123/*/POST/{team}'],
] as const;

export function makeExposure(
  random: Random,
  configuration: FunctionConfiguration,
  account: string,
  region: string,
): SimExposure {
  const name = configuration.FunctionName ?? '';
  const arn = configuration.FunctionArn ?? '';
  const team = name.split('-')[0] ?? 'team';
  const scenario = weighted(random, scenarios);
  const expected = new Set<ExposureRuleId>();
  const statements: Record<string, unknown>[] = [];
  const grant = (sid: string, principal: unknown, action: string, condition?: Record<string, unknown>): void =>
    void statements.push({
      Sid: sid,
      Effect: 'Allow',
      Principal: principal,
      Action: action,
      Resource: arn,
      ...(condition ? { Condition: condition } : {}),
    });
  const urlGrant = (sid: string, principal: unknown, authType: 'NONE' | 'AWS_IAM'): void =>
    grant(sid, principal, 'lambda:InvokeFunctionUrl', {
      StringEquals: { 'lambda:FunctionUrlAuthType': authType },
    });
  let url: SimFunctionUrl | undefined;
  const makeUrl = (authType: 'NONE' | 'AWS_IAM', cors?: SimFunctionUrl['Cors']): SimFunctionUrl => ({
    FunctionUrl: `https://${hex(random, 32)}.lambda-url.${region}.on.aws/`,
    AuthType: authType,
    InvokeMode: random() < 0.8 ? 'BUFFERED' : 'RESPONSE_STREAM',
    CreationTime: '2025-06-01T12:00:00.000Z',
    LastModifiedTime: '2025-06-02T12:00:00.000Z',
    ...(cors ? { Cors: cors } : {}),
  });
  // A second form of some scenarios, chosen from the name rather than a random draw, so that the
  // rest of the fleet stays exactly as it was (issue 21: Deny guards, read grants).
  const variant = [...name].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 2 === 1;
  switch (scenario) {
    case 'none':
      break;
    case 'service-with-source': {
      const [service, source] = pick(random, services);
      const sourceArn = source.replace('{team}', team).replace('{region}', region).replace('{account}', account);
      grant(`${service.split('.')[0] ?? 'svc'}-invoke`, { Service: service }, 'lambda:InvokeFunction', {
        StringEquals: { 'AWS:SourceAccount': account },
        ArnLike: { 'AWS:SourceArn': sourceArn },
      });
      break;
    }
    case 'same-account-role':
      grant('ops-invoke', { AWS: `arn:aws:iam::${account}:role/${team}-ops` }, 'lambda:InvokeFunction');
      break;
    case 'org-restricted':
      if (variant) {
        // Allow everyone, then deny whoever is outside the organization: the same audience.
        grant('org-invoke', '*', 'lambda:InvokeFunction');
        statements.push({
          Sid: 'deny-outside-org',
          Effect: 'Deny',
          Principal: '*',
          Action: 'lambda:*',
          Resource: arn,
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG_ID } },
        });
      } else grant('org-invoke', '*', 'lambda:InvokeFunction', { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } });
      break;
    case 'cross-account':
      grant('partner-invoke', { AWS: `arn:aws:iam::${pick(random, PARTNER_ACCOUNTS)}:root` }, 'lambda:InvokeFunction');
      expected.add('function-cross-account-invoke');
      break;
    case 'public': {
      const principal = random() < 0.5 ? '*' : { AWS: '*' };
      const action = pick(random, ['lambda:InvokeFunction', 'lambda:*']);
      // Reading the code and environment is exposure too (Security Hub Lambda.1).
      if (variant) grant('public-read', principal, 'lambda:GetFunction');
      else grant('public-invoke', principal, action);
      expected.add('function-public-access');
      break;
    }
    case 'public-url':
      urlGrant('FunctionURLAllowPublicAccess', '*', 'NONE');
      url = makeUrl('NONE', random() < 0.5 ? { AllowOrigins: ['https://app.example.com'], MaxAge: 300 } : undefined);
      expected.add('function-url-public');
      break;
    case 'public-url-cors-wildcard':
      urlGrant('FunctionURLAllowPublicAccess', '*', 'NONE');
      url = makeUrl('NONE', { AllowOrigins: ['*'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['content-type'] });
      expected.add('function-url-public').add('function-url-cors-wildcard');
      break;
    case 'stale-url-grant':
      // The URL was deleted; the grant was left behind. Nothing is reachable.
      urlGrant('FunctionURLAllowPublicAccess', '*', 'NONE');
      break;
    case 'iam-url-with-grant':
      urlGrant('ops-url', { AWS: `arn:aws:iam::${account}:role/${team}-ops` }, 'AWS_IAM');
      url = makeUrl('AWS_IAM', { AllowOrigins: ['*'] });
      break;
    case 'iam-url-no-grant':
      url = makeUrl('AWS_IAM');
      break;
    case 'none-url-no-grant':
      // AuthType NONE but no grant: every caller gets 403.
      url = makeUrl('NONE');
      break;
  }
  const eventInvokeConfig = makeEventInvokeConfig(random, configuration, account, region, team);
  const hasDlq = configuration.DeadLetterConfig?.TargetArn !== undefined;
  if (!hasDlq && eventInvokeConfig?.DestinationConfig?.OnFailure?.Destination === undefined)
    expected.add('dlq-missing');
  return {
    ...(statements.length > 0 ? { policy: { Version: '2012-10-17', Id: 'default', Statement: statements } } : {}),
    ...(url ? { url } : {}),
    ...(eventInvokeConfig ? { eventInvokeConfig } : {}),
    scenario,
    expected: [...expected].sort(),
  };
}

function makeEventInvokeConfig(
  random: Random,
  configuration: FunctionConfiguration,
  account: string,
  region: string,
  team: string,
): SimEventInvokeConfig | undefined {
  if (random() >= 0.35) return undefined;
  const name = configuration.FunctionName ?? '';
  const destinations = [
    `arn:aws:sqs:${region}:${account}:${name}-failures`,
    `arn:aws:sns:${region}:${account}:${team}-failures`,
    `arn:aws:lambda:${region}:${account}:function:${team}-failure-handler`,
    `arn:aws:events:${region}:${account}:event-bus/${team}-failures`,
    `arn:aws:s3:::${team}-failed-invocations`,
  ];
  const kind = weighted(random, [
    ['on-failure', 6],
    ['on-success-only', 2],
    ['retries-only', 2],
  ] as const);
  return {
    MaximumRetryAttempts: pick(random, [0, 1, 2]),
    MaximumEventAgeInSeconds: pick(random, [60, 3600, 21600]),
    ...(kind === 'on-failure'
      ? { DestinationConfig: { OnFailure: { Destination: pick(random, destinations) } } }
      : kind === 'on-success-only'
        ? { DestinationConfig: { OnSuccess: { Destination: `arn:aws:sqs:${region}:${account}:${name}-results` } } }
        : {}),
  };
}

function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)] ?? '';
  return out;
}

/** An alias's own policy (AddPermission --qualifier), and the exposure rules that should fire on the alias ARN. */
export interface SimAliasExposure {
  policy: SimPolicy;
  expected: ExposureRuleId[];
}

/**
 * Alias policies, as API Gateway and console triggers write them: every `live` alias gets an API
 * Gateway permission; on one function in four (by name, no random draw, so the rest of the fleet
 * stays as it was) it lacks a source ARN, which function-public-access reports on the alias ARN
 * ("confused deputy"), and on one in four others it goes to a partner account.
 */
export function makeAliasExposure(
  configuration: FunctionConfiguration,
  aliasName: string,
  account: string,
  region: string,
): SimAliasExposure | undefined {
  if (aliasName !== 'live') return undefined;
  const name = configuration.FunctionName ?? '';
  const arn = `${configuration.FunctionArn ?? ''}:${aliasName}`;
  const kind = [...name].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 4;
  const statement = (sid: string, principal: unknown, condition?: Record<string, unknown>) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: 'lambda:InvokeFunction',
    Resource: arn,
    ...(condition ? { Condition: condition } : {}),
  });
  const policy = (s: Record<string, unknown>): SimPolicy => ({ Version: '2012-10-17', Id: 'default', Statement: [s] });
  if (kind === 0)
    return {
      policy: policy(statement('apigw-live', { Service: 'apigateway.amazonaws.com' })),
      expected: ['function-public-access'],
    };
  if (kind === 1)
    return {
      policy: policy(statement('partner-live', { AWS: `arn:aws:iam::${PARTNER_ACCOUNTS[0]}:root` })),
      expected: ['function-cross-account-invoke'],
    };
  return {
    policy: policy(
      statement(
        'apigw-live',
        { Service: 'apigateway.amazonaws.com' },
        {
          ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:${region}:${account}:abc123/*/POST/${name}` },
        },
      ),
    ),
    expected: [],
  };
}
