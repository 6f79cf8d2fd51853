/**
 * The demo fleet: a deterministic, realistic set of functions that exercises every rule: current
 * and deprecated runtimes, container images, with and without KMS keys, every log level, VPCs with
 * and without IPv6 dual-stack, layers from other accounts, secret-looking environment values,
 * missing tags, unhealthy states, published versions and aliases.
 */
import type { AliasConfiguration, CodeSigningConfig, FunctionConfiguration } from '@aws-sdk/client-lambda';
import { plantCodeSigning } from './code-signing.js';
import { makeAliasExposure, makeExposure, type SimAliasExposure, type SimExposure } from './exposure.js';
import { assignRoles, type SimRoleTruth } from './roles.js';
import { plantEventSources, type SimEventSources } from './event-sources.js';
import { plantManaged, type SimManaged } from './managed.js';
import { plantLogGroups, type SimLogs } from './logs.js';
import { plantSecurityGroups } from './security-groups.js';
import { ALNUM, HEX, UPPER_NUM, chars, pick, seeded, weighted, type Random } from './random.js';

export interface SimFunction {
  /** As the real API would return it, with real (fake but secret-looking) environment values. */
  configuration: FunctionConfiguration;
  code: { RepositoryType: string; Location?: string; ImageUri?: string; ResolvedImageUri?: string };
  tags: Record<string, string>;
  reservedConcurrency?: number;
  versions: FunctionConfiguration[];
  aliases: AliasConfiguration[];
  /** Resource policy, function URL, invoke config, and which exposure rules should fire (see exposure.ts). */
  exposure?: SimExposure;
  /** Alias name -> the alias's own policy and expected findings (see exposure.ts). */
  aliasExposure?: Record<string, SimAliasExposure>;
  /** Its execution role's kind and the role rules that should fire on it (see roles.ts). */
  role?: SimRoleTruth;
  /** Lambda Managed Instances and durable functions: its capacity provider and the rules that should fire (see managed.ts). */
  managed?: SimManaged;
  /** Its CloudWatch Logs log group and the log rules that should fire on it (see logs.ts). */
  logs?: SimLogs;
  /** The event source mappings that invoke it and the rules that should fire (see event-sources.ts). */
  eventSources?: SimEventSources;
  /** The code signing config that names it (ListFunctionsByCodeSigningConfig; see code-signing.ts). */
  codeSigning?: CodeSigningConfig;
}

export interface FleetOptions {
  /** Functions in all, spread evenly over the regions. @default 1000 */
  readonly functions?: number;
  /** @default ['us-east-1', 'eu-west-1'] */
  readonly regions?: readonly string[];
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 20261122 */
  readonly seed?: number;
  /**
   * Move a few functions per region onto capacity providers and make a few durable (managed.ts);
   * put the egress proxy's security group on a few VPC functions (security-groups.ts).
   * @default true for the demo's size (1,000 functions or more); smaller test fleets keep the calls
   * and findings they had
   */
  readonly managedInstances?: boolean;
  /**
   * Give functions log groups with and without retention and KMS keys, a few none, a few a custom
   * LoggingConfig.LogGroup (logs.ts). Without it the Logs API lists no group (every function: none).
   * @default true for the demo's size (1,000 functions or more), like `managedInstances`
   */
  readonly logGroups?: boolean;
  /**
   * Give a few functions per region event source mappings, one per case (event-sources.ts).
   * @default true for the demo's size (1,000 functions or more)
   */
  readonly eventSources?: boolean;
}

/** region -> function name -> function */
export type Fleet = Map<string, Map<string, SimFunction>>;

export const DEMO_ACCOUNT = '123456789012';

const runtimes: ReadonlyArray<readonly [string, number]> = [
  ['nodejs22.x', 14],
  ['nodejs20.x', 8],
  ['nodejs18.x', 5],
  ['nodejs16.x', 2],
  ['nodejs14.x', 1],
  ['python3.13', 10],
  ['python3.12', 9],
  ['python3.11', 5],
  ['python3.10', 3],
  ['python3.9', 3],
  ['python3.8', 2],
  ['python3.7', 1],
  ['java21', 5],
  ['java17', 3],
  ['java11', 2],
  ['java8.al2', 1],
  ['java8', 1],
  ['ruby3.3', 2],
  ['ruby3.2', 1],
  ['dotnet8', 3],
  ['dotnet6', 1],
  ['provided.al2023', 4],
  ['provided.al2', 2],
  ['go1.x', 1],
];
const teams = ['payments', 'orders', 'search', 'identity', 'media', 'billing', 'growth', 'platform'];
const verbs = ['ingest', 'resize', 'notify', 'sync', 'export', 'authorize', 'index', 'reconcile', 'render', 'webhook'];
const handlers: Record<string, string> = {
  nodejs: 'index.handler',
  python: 'app.lambda_handler',
  java: 'com.example.Handler::handleRequest',
  ruby: 'function.handler',
  dotnet: 'Fn::Fn.Function::Handler',
  provided: 'bootstrap',
  go: 'main',
};
const otherAccountLayers = [
  ['017000801446', 'AWSLambdaPowertoolsPythonV3-python312-x86_64', 7],
  ['580247275435', 'LambdaInsightsExtension', 53],
  ['999988887777', 'vendor-apm-agent', 12],
  ['444455556666', 'shared-secrets-extension', 4],
] as const;

export function generateFleet(options: FleetOptions = {}): Fleet {
  const total = options.functions ?? 1000;
  const regions = options.regions ?? ['us-east-1', 'eu-west-1'];
  const account = options.account ?? DEMO_ACCOUNT;
  const random = seeded(options.seed ?? 20261122);
  // A stream of its own, so the exposure data left every other draw as it was.
  const exposureRandom = seeded((options.seed ?? 20261122) ^ 0x5eed_e8b0);
  const fleet: Fleet = new Map(regions.map((r) => [r, new Map<string, SimFunction>()]));
  for (let i = 0; i < total; i++) {
    const region = regions[i % regions.length] ?? 'us-east-1';
    const fn = makeFunction(random, account, region, i);
    fn.exposure = makeExposure(exposureRandom, fn.configuration, account, region);
    for (const alias of fn.aliases) {
      const own = makeAliasExposure(fn.configuration, alias.Name ?? '', account, region);
      if (own) (fn.aliasExposure ??= {})[alias.Name ?? ''] = own;
    }
    fleet.get(region)?.set(fn.configuration.FunctionName ?? '', fn);
  }
  // After every draw, from exposure and index alone: the rest of the fleet is as it was.
  assignRoles(fleet, account);
  if (options.managedInstances ?? total >= 1000) {
    plantManaged(fleet, account);
    // The egress proxy's open, named group on a few VPC functions (security-groups.ts).
    plantSecurityGroups(fleet);
  }
  if (options.logGroups ?? total >= 1000) plantLogGroups(fleet, account);
  if (options.eventSources ?? total >= 1000) plantEventSources(fleet, account);
  plantCodeSigning(fleet, account);
  return fleet;
}

function makeFunction(random: Random, account: string, region: string, index: number): SimFunction {
  const team = pick(random, teams);
  const name = `${team}-${pick(random, verbs)}-${String(index).padStart(5, '0')}`;
  const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
  const isImage = random() < 0.1;
  const runtime = isImage ? undefined : weighted(random, runtimes);
  const family = runtime?.replace(/[0-9.]+.*$/, '').replace(/\.al2.*$/, '') ?? 'provided';
  const env = makeEnvironment(random, team);
  if (Object.keys(env).length > 0) Object.assign(env, lookAlikes(index, team, region, account));
  const hasEnv = Object.keys(env).length > 0;
  const inVpc = random() < 0.45;
  const logFormat = random() < 0.6 ? 'JSON' : 'Text';
  const codeSha = Buffer.from(chars(random, HEX, 64), 'hex').toString('base64');
  const lastModified = new Date(
    Date.UTC(2025, Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24)),
  )
    .toISOString()
    .replace('Z', '+0000');
  const layers = isImage ? [] : makeLayers(random, account, region);
  const state = weighted(random, [
    ['Active', 95],
    ['Inactive', 3],
    ['Failed', 2],
  ] as const);
  const configuration: FunctionConfiguration = {
    FunctionName: name,
    FunctionArn: arn,
    Role: `arn:aws:iam::${account}:role/${team}-lambda-exec`,
    CodeSize: 1024 + Math.floor(random() * 50_000_000),
    Description: random() < 0.8 ? `${team} service function ${index}` : '',
    Timeout: pick(random, [3, 10, 30, 60, 300, 900]),
    MemorySize: pick(random, [128, 256, 512, 1024, 2048, 3008]),
    LastModified: lastModified,
    CodeSha256: codeSha,
    Version: '$LATEST',
    TracingConfig: { Mode: random() < 0.4 ? 'Active' : 'PassThrough' },
    RevisionId: uuid(random),
    State: state,
    ...(state === 'Active'
      ? {}
      : {
          StateReason:
            state === 'Inactive'
              ? 'The function is inactive and its VPC connection is no longer available.'
              : 'Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant.',
          StateReasonCode: state === 'Inactive' ? 'Idle' : 'InvalidStateKMSKey',
        }),
    LastUpdateStatus: random() < 0.02 ? 'Failed' : 'Successful',
    PackageType: isImage ? 'Image' : 'Zip',
    Architectures: [random() < 0.35 ? 'arm64' : 'x86_64'],
    EphemeralStorage: { Size: random() < 0.9 ? 512 : 2048 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: {
      LogFormat: logFormat,
      LogGroup: `/aws/lambda/${name}`,
      ...(logFormat === 'JSON'
        ? {
            ApplicationLogLevel: weighted(random, [
              ['TRACE', 1],
              ['DEBUG', 2],
              ['INFO', 8],
              ['WARN', 3],
              ['ERROR', 2],
              ['FATAL', 1],
            ] as const),
            SystemLogLevel: weighted(random, [
              ['DEBUG', 1],
              ['INFO', 5],
              ['WARN', 3],
            ] as const),
          }
        : {}),
    },
  };
  if (runtime) {
    configuration.Runtime = runtime as FunctionConfiguration['Runtime'];
    configuration.Handler = handlers[family] ?? 'index.handler';
    configuration.RuntimeVersionConfig = {
      RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:${chars(random, HEX, 64)}`,
    };
  } else {
    configuration.ImageConfigResponse = { ImageConfig: { Command: ['app.handler'] } };
  }
  if (hasEnv) configuration.Environment = { Variables: env };
  if (hasEnv && random() < 0.45) configuration.KMSKeyArn = `arn:aws:kms:${region}:${account}:key/${uuid(random)}`;
  if (inVpc) {
    const subnets = Array.from(
      {
        length: weighted(random, [
          [1, 2],
          [2, 5],
          [3, 3],
        ] as const),
      },
      () => `subnet-${chars(random, HEX, 17)}`,
    );
    configuration.VpcConfig = {
      SubnetIds: subnets,
      SecurityGroupIds: [`sg-${chars(random, HEX, 17)}`],
      VpcId: `vpc-${chars(random, HEX, 17)}`,
      Ipv6AllowedForDualStack: random() < 0.3,
    };
  }
  if (random() < 0.35) configuration.DeadLetterConfig = { TargetArn: `arn:aws:sqs:${region}:${account}:${name}-dlq` };
  if (layers.length > 0) configuration.Layers = layers;
  if (random() < 0.05)
    configuration.FileSystemConfigs = [
      {
        Arn: `arn:aws:elasticfilesystem:${region}:${account}:access-point/fsap-${chars(random, HEX, 17)}`,
        LocalMountPath: '/mnt/data',
      },
    ];

  const code: SimFunction['code'] = isImage
    ? {
        RepositoryType: 'ECR',
        ImageUri: `${account}.dkr.ecr.${region}.amazonaws.com/${team}:${chars(random, HEX, 7)}`,
        ResolvedImageUri: `${account}.dkr.ecr.${region}.amazonaws.com/${team}@sha256:${chars(random, HEX, 64)}`,
      }
    : { RepositoryType: 'S3', Location: presignedUrl(random, region, account, name) };

  const tags: Record<string, string> = { team, env: pick(random, ['prod', 'staging', 'dev']) };
  if (random() < 0.7) tags['cost-center'] = `cc-${1000 + Math.floor(random() * 9000)}`;
  if (random() < 0.6) tags.owner = `${team}@example.com`;

  // Every 40th function has no tags at all (GetFunction then leaves Tags out).
  const fn: SimFunction = { configuration, code, tags: index % 40 === 13 ? {} : tags, versions: [], aliases: [] };
  if (random() < 0.15) fn.reservedConcurrency = pick(random, [0, 5, 10, 50, 100]);
  if (random() < 0.3) {
    const n = 1 + Math.floor(random() * 3);
    for (let v = 1; v <= n; v++) {
      fn.versions.push({ ...configuration, Version: String(v), FunctionArn: `${arn}:${v}`, RevisionId: uuid(random) });
    }
    fn.aliases.push(alias(arn, 'live', String(n), random));
    if (n > 1 && random() < 0.5)
      fn.aliases.push({
        ...alias(arn, 'canary', String(n - 1), random),
        RoutingConfig: { AdditionalVersionWeights: { [String(n)]: 0.1 } },
      });
  }
  return fn;
}

function makeEnvironment(random: Random, team: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (random() < 0.15) return env;
  env.TABLE_NAME = `${team}-table-${chars(random, HEX, 8)}`;
  if (random() < 0.5)
    env.QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/123456789012/${team}-queue-${chars(random, HEX, 6)}`;
  if (random() < 0.5) env.POWERTOOLS_SERVICE_NAME = `${team}-svc-${chars(random, HEX, 4)}`;
  if (random() < 0.2) env.DB_PASSWORD = chars(random, ALNUM + '!#%+', 24);
  if (random() < 0.1) env.AWS_ACCESS_KEY_ID = `AKIA${chars(random, UPPER_NUM, 16)}`;
  if (random() < 0.1) env.AWS_SECRET_ACCESS_KEY = chars(random, ALNUM + '+/', 40);
  if (random() < 0.08) env.GITHUB_TOKEN = `ghp_${chars(random, ALNUM, 36)}`;
  if (random() < 0.08)
    env.DATABASE_URL = `postgres://app:${chars(random, ALNUM, 16)}@db-${chars(random, HEX, 6)}.internal:5432/app`;
  if (random() < 0.1)
    env.SESSION_CONFIG = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ${chars(random, ALNUM, 20)}.${chars(random, ALNUM, 43)}`;
  return env;
}

function makeLayers(random: Random, account: string, region: string): NonNullable<FunctionConfiguration['Layers']> {
  const layers: NonNullable<FunctionConfiguration['Layers']> = [];
  if (random() < 0.35)
    layers.push({
      Arn: `arn:aws:lambda:${region}:${account}:layer:shared-utils:${1 + Math.floor(random() * 9)}`,
      CodeSize: 20_000,
    });
  if (random() < 0.3) {
    const [owner, layer, version] = pick(random, otherAccountLayers);
    layers.push({ Arn: `arn:aws:lambda:${region}:${owner}:layer:${layer}:${version}`, CodeSize: 3_000_000 });
  }
  return layers;
}

function alias(arn: string, name: string, version: string, random: Random): AliasConfiguration {
  return {
    AliasArn: `${arn}:${name}`,
    Name: name,
    FunctionVersion: version,
    Description: '',
    RevisionId: uuid(random),
  };
}

function presignedUrl(random: Random, region: string, account: string, name: string): string {
  return `https://awslambda-${region}-tasks.s3.${region}.amazonaws.com/snapshots/${account}/${name}-${uuid(random)}?versionId=${chars(random, ALNUM, 32)}&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE${chars(random, ALNUM, 120)}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T030000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=600&X-Amz-Credential=ASIA${chars(random, UPPER_NUM, 16)}%2F20261122%2F${region}%2Fs3%2Faws4_request&X-Amz-Signature=${chars(random, HEX, 64)}`;
}

function uuid(random: Random): string {
  const h = chars(random, HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Secret look-alikes real fleets are full of (secret-like names over values that are not secrets),
 * and a few true secrets under neutral names, so the demo's secret findings stay honest. Drawn from
 * their own stream so the rest of the fleet does not change with them.
 */
function lookAlikes(index: number, team: string, region: string, account: string): Record<string, string> {
  const random = seeded(0x5ec7 + index);
  const env: Record<string, string> = {};
  const add = (rate: number, name: string, value: () => string): void => {
    if (random() < rate) env[name] = value();
  };
  add(0.3, 'TOKEN_TTL_SECONDS', () => String(pick(random, [300, 900, 3600, 86400])));
  add(0.15, 'PASSWORD_MIN_LENGTH', () => String(pick(random, [8, 12, 16])));
  add(0.15, 'MAX_TOKENS', () => String(pick(random, [1024, 4096, 8192])));
  add(0.2, 'ENABLE_TOKEN_REFRESH', () => pick(random, ['true', 'false']));
  add(0.2, 'SECRET_NAME', () => `prod/${team}/db-credentials`);
  add(
    0.15,
    'JWT_SECRET_ARN',
    () => `arn:aws:secretsmanager:${region}:${account}:secret:prod/${team}/jwt-${chars(random, ALNUM, 6)}`,
  );
  add(0.15, 'API_KEY_PARAM', () => `/prod/${team}/api-key`);
  add(0.1, 'PRIVATE_KEY_PATH', () => '/var/task/keys/signing.pem');
  add(0.1, 'SESSION_TOKEN_LIFETIME', () => pick(random, ['PT1H', '15m', '30s']));
  add(0.2, 'GIT_SHA', () => chars(random, HEX, 40));
  add(
    0.1,
    'DEPLOYMENT_ID',
    () =>
      `${chars(random, HEX, 8)}-${chars(random, HEX, 4)}-4${chars(random, HEX, 3)}-a${chars(random, HEX, 3)}-${chars(random, HEX, 12)}`,
  );
  add(0.1, 'TOKEN_URL', () => `https://auth.example.com/${team}/oauth2/token`);
  // True secrets the names do not give away.
  add(
    0.02,
    'ALERTS_WEBHOOK',
    () =>
      `https://hooks.slack.com/services/T${chars(random, UPPER_NUM, 8)}/B${chars(random, UPPER_NUM, 10)}/${chars(random, ALNUM, 24)}`,
  );
  add(0.02, 'CACHE_SEED', () => chars(random, ALNUM + '-_', 40));
  return env;
}
