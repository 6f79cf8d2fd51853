/**
 * The only place that builds an AWS SDK client. Three decisions live here:
 * - SDK retries are off (`maxAttempts: 1`): every retry goes through our quota lanes instead.
 * - A middleware refuses any command that is not on the read-only allow list, so no code path can
 *   call a mutating API, whatever a future change does.
 * - Credentials, region and endpoint come from the SDK's default chain (AWS_PROFILE, SSO, env,
 *   AWS_REGION, AWS_ENDPOINT_URL_LAMBDA) unless the CLI passes them.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import type { MiddlewareStack, Pluggable } from '@smithy/types';

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
]);

/** Every EC2 API the tool may call (subnet Availability Zones, `src/crawl/subnets.ts`): reads only. */
export const READ_ONLY_EC2_COMMANDS = new Set(['DescribeSubnetsCommand']);

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
  const client = new LambdaClient(clientConfig(options, options.maxSockets));
  guardReadOnly(client.middlewareStack, READ_ONLY_COMMANDS);
  return client;
}

/** What every client we build shares: no SDK retries, keep-alive sockets, the caller's endpoint and credentials. */
function clientConfig(options: ClientOptions, maxSockets: number) {
  const agentOptions = { keepAlive: true, maxSockets };
  return {
    region: options.region,
    maxAttempts: 1,
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 5_000,
    },
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
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
 * loaded on first use: it is large (about a second to import), and a fleet without VPC functions
 * never needs it.
 */
export async function createEc2Client(options: ClientOptions): Promise<EC2Client> {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client(clientConfig(options, Math.min(options.maxSockets, 8)));
  guardReadOnly(client.middlewareStack, READ_ONLY_EC2_COMMANDS);
  return client;
}
