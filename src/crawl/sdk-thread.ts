/**
 * The SDK thread (see sdk-remote.ts): loads the EC2 and CloudWatch Logs SDKs as soon as it starts,
 * then sends one attempt per message with a client per service, account-region and key, built by
 * `createEc2Client` / `createLogsClient` (read-only guard, no SDK retries), and answers with the
 * output or the error's fields.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createEc2Client, createLogsClient } from './client.js';
import {
  ec2SendOf,
  logsSendOf,
  type Ec2Send,
  type FromSdkThread,
  type LogsSend,
  type RemoteClientSpec,
  type RemoteOperation,
  type ToSdkThread,
  type WireError,
} from './sdk-remote.js';
import { loadEc2Sdk, loadLogsSdk } from './sdk.js';

const port = parentPort;
if (!port) throw new Error('sdk-thread.ts runs as a worker thread (src/crawl/sdk-remote.ts)');

// Lowest priority for this thread alone (on Linux a nice value is a thread's own: setpriority on
// the calling thread, as os.setPriority does, leaves the crawling thread at its own): loading the
// SDKs is 0.5-1 s of CPU that must not take a core from the crawl, nor from whatever else runs
// beside it (on a 2-core machine it otherwise slows the crawl's first seconds). Elsewhere the
// call would lower the whole process, so it is not made.
if (process.platform === 'linux')
  try {
    setPriority(19);
  } catch {
    // Not allowed (a sandbox): it then loads at the crawl's priority.
  }

// The point of this thread: the loads happen here, at once, while the crawl goes on elsewhere.
try {
  loadEc2Sdk();
  loadLogsSdk();
  port.postMessage({ type: 'ready' } satisfies FromSdkThread);
} catch (error) {
  port.postMessage({ type: 'ready', error: (error as Error).message } satisfies FromSdkThread);
}

interface Client {
  readonly send: (operation: RemoteOperation, input: unknown, signal: AbortSignal) => Promise<unknown>;
  /** The identity of the latest message for this client (same key; a newer session token or expiry). */
  identity: AwsCredentialIdentity;
}

const clients = new Map<string, Client>();
const attempts = new Map<number, AbortController>();

/**
 * A client per service, account-region and key: messages from several account-regions (and
 * accounts) come at once, and the SDK asks for credentials when it signs, so one client shared by
 * two accounts could sign one's request with the other's keys. A session refreshed under a new key
 * gets a new client.
 */
function clientFor(spec: RemoteClientSpec, identity: AwsCredentialIdentity): Client {
  const key = JSON.stringify([spec.service, spec.region, spec.endpoint ?? '', spec.maxSockets, identity.accessKeyId]);
  let client = clients.get(key);
  if (!client) {
    const entry = { identity } as Client;
    const options = {
      region: spec.region,
      maxSockets: spec.maxSockets,
      ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      credentials: () => Promise.resolve(entry.identity),
    };
    let send: Client['send'];
    if (spec.service === 'ec2') {
      const ec2: Ec2Send = ec2SendOf(createEc2Client(options));
      send = (operation, input, signal) => ec2(operation as 'DescribeSubnets', input as never, signal);
    } else {
      const logs: LogsSend = logsSendOf(createLogsClient(options));
      send = (_operation, input, signal) => logs(input as never, signal);
    }
    client = Object.assign(entry, { send });
    clients.set(key, client);
  }
  client.identity = identity;
  return client;
}

function wireError(error: unknown): WireError {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
    $response?: { headers?: Record<string, string> };
  };
  const retryAfter = e.$response?.headers?.['retry-after'];
  return {
    name: e.name ?? 'Error',
    message: e.message ?? String(error),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(e.$metadata?.httpStatusCode === undefined ? {} : { httpStatusCode: e.$metadata.httpStatusCode }),
    ...(e.$retryable?.throttling === undefined ? {} : { throttling: e.$retryable.throttling }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

const post = (message: FromSdkThread): void => port.postMessage(message);

port.on('message', (message: ToSdkThread) => {
  if (message.type === 'abort') {
    attempts.get(message.id)?.abort(new Error('aborted by the crawl'));
    attempts.delete(message.id);
    return;
  }
  const controller = new AbortController();
  attempts.set(message.id, controller);
  const { send } = clientFor(message.client, message.identity);
  send(message.operation, message.input, controller.signal).then(
    (output) => {
      attempts.delete(message.id);
      post({ type: 'result', id: message.id, output });
    },
    (error: unknown) => {
      attempts.delete(message.id);
      post({ type: 'error', id: message.id, error: wireError(error) });
    },
  );
});
