/**
 * The EC2 thread (see ec2-remote.ts): loads the EC2 SDK as soon as it starts, then sends one attempt
 * per message with a client per account-region, built by `createEc2Client` (read-only guard, no SDK
 * retries), and answers with the output or the error's fields.
 */
import { parentPort } from 'node:worker_threads';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createEc2Client } from './client.js';
import {
  ec2SendOf,
  type FromEc2Thread,
  type RemoteClientSpec,
  type ToEc2Thread,
  type WireError,
} from './ec2-remote.js';
import { loadEc2Sdk } from './sdk.js';

const port = parentPort;
if (!port) throw new Error('ec2-thread.ts runs as a worker thread (src/crawl/ec2-remote.ts)');

// The point of this thread: the load happens here, at once, while the crawl goes on elsewhere.
loadEc2Sdk();

interface Client {
  readonly send: ReturnType<typeof ec2SendOf>;
  /** The identity of the latest message for this client (same key; a newer session token or expiry). */
  identity: AwsCredentialIdentity;
}

const clients = new Map<string, Client>();
const attempts = new Map<number, AbortController>();

/**
 * A client per account-region and key: messages from several account-regions (and accounts) come
 * at once, and the SDK asks for credentials when it signs, so one client shared by two accounts
 * could sign one's request with the other's keys. A session refreshed under a new key gets a new client.
 */
function clientFor(spec: RemoteClientSpec, identity: AwsCredentialIdentity): Client {
  const key = JSON.stringify([spec.region, spec.endpoint ?? '', spec.maxSockets, identity.accessKeyId]);
  let client = clients.get(key);
  if (!client) {
    const entry: Client = { send: undefined as never, identity };
    const ec2: Promise<EC2Client> = createEc2Client({
      region: spec.region,
      maxSockets: spec.maxSockets,
      ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      credentials: () => Promise.resolve(entry.identity),
    });
    client = Object.assign(entry, { send: ec2SendOf(ec2) });
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

const post = (message: FromEc2Thread): void => port.postMessage(message);

port.on('message', (message: ToEc2Thread) => {
  if (message.type === 'abort') {
    attempts.get(message.id)?.abort(new Error('aborted by the crawl'));
    attempts.delete(message.id);
    return;
  }
  const controller = new AbortController();
  attempts.set(message.id, controller);
  const { send } = clientFor(message.client, message.identity);
  send(message.operation, message.input as never, controller.signal).then(
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
