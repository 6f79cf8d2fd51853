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
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';

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
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  const client = new LambdaClient({
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
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      if (!READ_ONLY_COMMANDS.has(command)) {
        throw new MutatingCallRefused(`lambda-audit is read-only and refused to send ${command}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'lambdaAuditReadOnlyGuard', priority: 'high' },
  );
  return client;
}
