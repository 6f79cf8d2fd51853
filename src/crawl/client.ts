/**
 * The only place that builds an AWS SDK client for the crawl. Four decisions live here:
 * - SDK retries are off (`maxAttempts: 1`): every retry goes through our quota lanes instead.
 * - A middleware refuses any command that is not on the read-only allow list, so no code path can
 *   call a mutating API, whatever a future change does.
 * - Credentials, region and endpoint come from the SDK's default chain (AWS_PROFILE, SSO, env,
 *   AWS_REGION, AWS_ENDPOINT_URL_LAMBDA) unless the CLI passes them.
 * - The per-request work is done once per client where the SDK allows it (`leanStack`): the crawl
 *   is CPU-bound at organisation scale, and the SDK's per-request work is most of its CPU.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import type {
  AuthScheme,
  Endpoint,
  HttpHandlerOptions,
  HttpRequest,
  HttpResponse,
  MiddlewareStack,
  Pluggable,
  RequestHandler,
  RequestSigner,
} from '@smithy/types';
import { toolVersion } from '../version.js';
import { loadEc2Sdk, loadIamSdk, loadLambdaSdk, loadLogsSdk } from './sdk.js';

/** Every Lambda API the tool may call. All are reads; the IAM policy in docs/iam.md grants exactly these. */
export const READ_ONLY_COMMANDS = new Set([
  'ListFunctionsCommand',
  'GetFunctionCommand',
  'GetFunctionConfigurationCommand',
  'ListVersionsByFunctionCommand',
  'ListAliasesCommand',
  'GetPolicyCommand',
  'GetFunctionUrlConfigCommand',
  'GetFunctionEventInvokeConfigCommand',
  'ListCapacityProvidersCommand',
  'ListEventSourceMappingsCommand',
  'ListCodeSigningConfigsCommand',
  'ListFunctionsByCodeSigningConfigCommand',
]);

/** Every EC2 API the tool may call (subnet Availability Zones, `src/crawl/subnets.ts`): reads only. */
export const READ_ONLY_EC2_COMMANDS = new Set(['DescribeSecurityGroupsCommand', 'DescribeSubnetsCommand']);

/** Every CloudWatch Logs API the tool may call (functions' log groups, `src/crawl/log-groups.ts`): one read. */
export const READ_ONLY_LOGS_COMMANDS = new Set(['DescribeLogGroupsCommand']);

/** Every IAM API the tool may call (execution roles, `src/crawl/roles.ts`): one read, in bulk. */
export const READ_ONLY_IAM_COMMANDS = new Set(['GetAccountAuthorizationDetailsCommand']);

export class MutatingCallRefused extends Error {
  override readonly name = 'MutatingCallRefused';
}

export interface ClientOptions {
  readonly region: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: LambdaClientConfig['credentials'];
  /** Sockets per client; should be at least the lanes' concurrency. */
  readonly maxSockets: number;
}

export function createLambdaClient(options: ClientOptions): LambdaClient {
  const { LambdaClient } = loadLambdaSdk();
  const client = new LambdaClient(clientConfig(options, options.maxSockets));
  guardReadOnly(client.middlewareStack, READ_ONLY_COMMANDS);
  leanStack(client);
  return client;
}

/** What every client we build shares: no SDK retries, keep-alive sockets, the caller's endpoint and credentials. */
function clientConfig(options: ClientOptions, maxSockets: number) {
  const agentOptions = { keepAlive: true, maxSockets };
  return {
    region: options.region,
    maxAttempts: 1,
    // The SDK's own option for many parallel calls: each command class's middleware is resolved
    // once per client, not per request. It takes sends without options, so an attempt's abort
    // signal travels with its command (`withSignal`).
    cacheMiddleware: true,
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 5_000,
    },
    ...(options.endpoint === undefined ? {} : { endpoint: parsedEndpoint(options.endpoint) }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
}

/**
 * The commands the account discovery may send (src/org): Organizations ListAccounts and
 * DescribeOrganization, STS GetCallerIdentity and AssumeRole, Account ListRegions, EC2
 * DescribeRegions. AssumeRole changes nothing in the account (it issues a session for a role the
 * account already trusts us with), so it counts as a read here; docs/iam.md says so.
 */
export const DISCOVERY_COMMANDS = new Set([
  'ListAccountsCommand',
  'DescribeOrganizationCommand',
  'GetCallerIdentityCommand',
  'AssumeRoleCommand',
  'ListRegionsCommand',
  'DescribeRegionsCommand',
]);

/** Refuses, before it leaves the process, any command not in `allowed`. Used on every SDK client we build. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every client's stack has its own input/output types
export function guardReadOnly(stack: MiddlewareStack<any, any>, allowed: ReadonlySet<string>): void {
  // A plugin may be applied to the same stack more than once (fromTemporaryCredentials does, per refresh).
  if (stack.identify().some((entry) => entry.startsWith(`${GUARD} `))) return;
  stack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      if (!allowed.has(command)) {
        throw new MutatingCallRefused(`lambda-audit is read-only and refused to send ${command}`);
      }
      return next(args);
    },
    { step: 'initialize', name: GUARD, priority: 'high' },
  );
}

const GUARD = 'lambdaAuditReadOnlyGuard';

/** The same guard as a client plugin, for clients the SDK builds itself (the STS client inside fromTemporaryCredentials). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see guardReadOnly
export const readOnlyPlugin = (allowed: ReadonlySet<string>): Pluggable<any, any> => ({
  applyToStack: (stack) => guardReadOnly(stack, allowed),
});

/**
 * The EC2 client for DescribeSubnets: same decisions as the Lambda client (no SDK retries, the
 * read-only guard with EC2's own allow list). `endpoint` is EC2's, not Lambda's. The EC2 SDK is
 * loaded on first use (`sdk.ts`): it is large (about a second to load), and a fleet without VPC
 * functions never needs it.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async: a load that throws rejects, as import() did
export async function createEc2Client(options: ClientOptions): Promise<EC2Client> {
  const { EC2Client } = loadEc2Sdk();
  const client = new EC2Client(clientConfig(options, Math.min(options.maxSockets, 8)));
  guardReadOnly(client.middlewareStack, READ_ONLY_EC2_COMMANDS);
  leanStack(client);
  return client;
}

/**
 * The CloudWatch Logs client for DescribeLogGroups: same decisions as the other clients, with the
 * Logs allow list. `endpoint` is CloudWatch Logs' (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, or a local
 * emulator's). Loaded on first use through `sdk.ts`, like the EC2 SDK, off the Lambda lanes' critical path.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async: a load that throws rejects, as import() did
export async function createLogsClient(options: ClientOptions): Promise<CloudWatchLogsClient> {
  const { CloudWatchLogsClient } = loadLogsSdk();
  const client = new CloudWatchLogsClient(clientConfig(options, Math.min(options.maxSockets, 4)));
  guardReadOnly(client.middlewareStack, READ_ONLY_LOGS_COMMANDS);
  leanStack(client);
  return client;
}

/**
 * The IAM client for GetAccountAuthorizationDetails: same decisions as the other clients, with IAM's
 * own allow list. IAM is global: `region` only picks the partition (iam.amazonaws.com for every
 * commercial region). Loaded on first use, like the EC2 SDK, off the Lambda lanes' critical path.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async: a load that throws rejects, as import() did
export async function createIamClient(options: ClientOptions): Promise<IAMClient> {
  const { IAMClient } = loadIamSdk();
  const client = new IAMClient(clientConfig(options, Math.min(options.maxSockets, 2)));
  guardReadOnly(client.middlewareStack, READ_ONLY_IAM_COMMANDS);
  leanStack(client);
  return client;
}

/**
 * A custom endpoint, parsed once: given as a string, the SDK parses it again for every request
 * (twice), which is measurable at thousands of requests a second.
 */
function parsedEndpoint(endpoint: string): Endpoint {
  const url = new URL(endpoint);
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    ...(url.search === '' ? {} : { query: Object.fromEntries(url.searchParams) }),
  };
}

const attemptSignals = new WeakMap<object, AbortSignal>();

/**
 * The command, sent with this attempt's abort signal (the lane's timeout or the crawl's abort):
 * `client.send(withSignal(new GetFunctionCommand(input), signal))`. With `cacheMiddleware` the
 * SDK takes no per-send options, so the signal is looked up by the command's input, which every
 * middleware passes along as is, and handed to the HTTP handler by `attemptSignalHandler`.
 */
export function withSignal<C extends { readonly input: object }>(command: C, signal: AbortSignal): C {
  attemptSignals.set(command.input, signal);
  return command;
}

interface LeanClient {
  readonly middlewareStack: MiddlewareStack<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any client's stack
  readonly config: {
    readonly requestHandler: unknown;
    signer: (authScheme?: AuthScheme) => Promise<RequestSigner>;
    readonly defaultUserAgentProvider: () => Promise<[string, string?][]>;
  };
}

/**
 * What the SDK would otherwise redo for every request, done once per client (docs/benchmarks.md
 * measures it: about a third of the SDK's CPU per request):
 * - no retry middleware: retries are ours (`lane.ts`), and `maxAttempts: 1` left it with nothing
 *   to do but bookkeeping. A pass-through keeps its name, which the signing step is placed after.
 * - no logger middleware (the SDK's logger is a no-op here) and no recursion-detection middleware
 *   (it only forwards the X-Ray trace id of a Lambda function calling Lambda).
 * - the user agent computed once per client, with lambda-audit's name and version in it (CloudTrail
 *   shows it), instead of being rebuilt and re-escaped for every request.
 * - one request signer per client: the SDK builds a new one, copying the whole client
 *   configuration, for every request. It still asks the client's credential provider at every
 *   signature, so assumed-role sessions keep being refreshed. Its signing key is looked up by the
 *   credentials object, not by an HMAC per request (`withSigningKeyMemo`).
 * - each attempt's abort signal handed to the HTTP handler (`withSignal`).
 */
function leanStack(client: LeanClient): void {
  const stack = client.middlewareStack;
  for (const name of ['retryMiddleware', 'loggerMiddleware', 'recursionDetectionMiddleware', 'getUserAgentMiddleware'])
    stack.remove(name);
  stack.add((next) => next, { step: 'finalizeRequest', name: 'retryMiddleware', priority: 'high' });

  let userAgent: Promise<{ 'user-agent': string; 'x-amz-user-agent': string }> | undefined;
  const agentHeaders = () =>
    (userAgent ??= client.config.defaultUserAgentProvider().then((pairs) => {
      const sections = [...pairs.map(([name, version]) => uaSection(name, version)), `lambda-audit/${toolVersion()}`];
      return {
        'user-agent': sections.join(' '),
        'x-amz-user-agent': sections.filter((s) => s.startsWith('aws-sdk-') || s.startsWith('lambda-audit/')).join(' '),
      };
    }));
  stack.add(
    (next) => async (args) => {
      Object.assign((args.request as HttpRequest).headers, await agentHeaders());
      return next(args);
    },
    { step: 'build', name: 'lambdaAuditUserAgent' },
  );

  const sdkSigner = client.config.signer;
  let signer: Promise<RequestSigner> | undefined;
  client.config.signer = (authScheme) =>
    (signer ??= sdkSigner(authScheme)
      .then(withSigningKeyMemo)
      .catch((error: unknown) => {
        signer = undefined;
        throw error;
      }));

  const handler = client.config.requestHandler as RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;
  stack.add(
    (next) => (args) => {
      const abortSignal = attemptSignals.get(args.input as object);
      return abortSignal ? handler.handle(args.request as HttpRequest, { abortSignal }) : next(args);
    },
    { step: 'deserialize', name: 'attemptSignalHandler', priority: 'low' },
  );
}

type SigningKeyOf = (credentials: object, region: string, shortDate: string, service?: string) => Promise<Uint8Array>;

/**
 * SigV4's signing key, derived once per credentials, day, region and service for this signer. The
 * SDK caches the derived key too, but finds it by an HMAC of the credentials computed for every
 * request (about 4 % of the crawl's CPU at organisation scale). Here the credentials object itself
 * is the key (a WeakMap, so nothing outlives it): a refreshed session is a new object and gets a
 * key of its own, derived by the SDK.
 */
function withSigningKeyMemo(signer: RequestSigner): RequestSigner {
  const target = signer as RequestSigner & { getSigningKey?: SigningKeyOf };
  const derive = target.getSigningKey?.bind(signer);
  if (derive === undefined) return signer;
  const keys = new WeakMap<object, Map<string, Promise<Uint8Array>>>();
  target.getSigningKey = (credentials, region, shortDate, service) => {
    let byScope = keys.get(credentials);
    if (byScope === undefined) keys.set(credentials, (byScope = new Map<string, Promise<Uint8Array>>()));
    const scope = `${shortDate}/${region}/${service ?? ''}`;
    let key = byScope.get(scope);
    if (key === undefined) {
      if (byScope.size >= 8) byScope.clear(); // a new day: yesterday's keys are done with
      key = derive(credentials, region, shortDate, service);
      key.catch(() => byScope.delete(scope));
      byScope.set(scope, key);
    }
    return key;
  };
  return signer;
}

/** One user-agent section as the SDK writes it: `name/version`, or `prefix/name#version`. */
function uaSection(name: string, version: string | undefined): string {
  if (version === undefined) return name;
  return `${name}${name.includes('/') ? '#' : '/'}${version}`;
}
