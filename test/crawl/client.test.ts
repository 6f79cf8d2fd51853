// The crawl's SDK client (src/crawl/client.ts) over real HTTP: what its lean middleware stack
// still does for every request (signature, user agent, the attempt's abort signal, the read-only guard).
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteFunctionCommand, GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaClient, MutatingCallRefused, withSignal } from '../../src/crawl/client.js';
import { toolVersion } from '../../src/version.js';

interface Seen {
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly method: string;
  closed: boolean;
}

/**
 * SigV4 recomputed from the request as the server got it (an empty body, no query), written out
 * from the AWS spec rather than with the SDK, with the secret the test gave the client.
 */
function expectedSignature(seen: Seen, secret: string): string {
  const auth = String(seen.headers.authorization);
  const [, scope, signedHeaders] = /Credential=[^/]+\/(\S+), SignedHeaders=(\S+),/.exec(auth)!;
  const [date, region, service] = scope!.split('/');
  const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const names = signedHeaders!.split(';');
  const canonical = [
    seen.method,
    seen.url,
    '',
    ...names.map((n) => `${n}:${String(seen.headers[n]).trim()}`),
    '',
    signedHeaders,
    sha256(''),
  ].join('\n');
  const amzDate = String(seen.headers['x-amz-date']);
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${secret}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(toSign).digest('hex');
}

const signatureOf = (seen: Seen) => /Signature=([0-9a-f]{64})$/.exec(String(seen.headers.authorization))![1];

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A Lambda API stand-in: answers every request with `answer`, or never (`stall`). Records what it got. */
async function standIn(answer: 'ok' | 'stall'): Promise<{ endpoint: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const entry: Seen = { headers: req.headers, url: req.url ?? '', method: req.method ?? '', closed: false };
    seen.push(entry);
    res.on('close', () => (entry.closed = true));
    if (answer === 'ok') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Configuration: { FunctionName: 'f' } }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const clientFor = (endpoint: string) =>
  createLambdaClient({
    region: 'eu-west-1',
    endpoint,
    maxSockets: 4,
    credentials: { accessKeyId: 'AKIDCLIENTTEST', secretAccessKey: 'secret' },
  });

describe('the crawl client', () => {
  it('signs every request and names lambda-audit in the user agent, the same for every request', async () => {
    const { endpoint, seen } = await standIn('ok');
    const client = clientFor(endpoint);
    try {
      for (const name of ['a', 'b']) await client.send(new GetFunctionCommand({ FunctionName: name }));
    } finally {
      client.destroy();
    }
    expect(seen.map((s) => s.url)).toEqual(['/2015-03-31/functions/a', '/2015-03-31/functions/b']);
    for (const { headers } of seen) {
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDCLIENTTEST\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/,
      );
      expect(headers['user-agent']).toContain(`lambda-audit/${toolVersion()}`);
      expect(headers['user-agent']).toMatch(/aws-sdk-js\/3\.\d+/);
      expect(headers['x-amz-user-agent']).toMatch(/^aws-sdk-js\/3\.\d+\S* lambda-audit\//);
      // The SDK's retry headers are gone with its retry middleware: retries are the lanes'.
      expect(headers['amz-sdk-request']).toBeUndefined();
    }
    expect(seen[1]!.headers['user-agent']).toBe(seen[0]!.headers['user-agent']);
    expect(seen[0]!.headers.authorization).not.toBe(seen[1]!.headers.authorization);
    for (const request of seen) expect(signatureOf(request)).toBe(expectedSignature(request, 'secret'));
  });

  it('signs with the credentials of the moment: a refreshed session gets a signing key of its own', async () => {
    const { endpoint, seen } = await standIn('ok');
    // A session a minute from expiry, which the SDK renews before every request; after two
    // requests the provider hands out a new one (another secret, an hour to go).
    const first: AwsCredentialIdentity = {
      accessKeyId: 'AKIDFIRST',
      secretAccessKey: 'first-secret',
      expiration: new Date(Date.now() + 60_000),
    };
    const renewed: AwsCredentialIdentity = {
      accessKeyId: 'AKIDRENEWED',
      secretAccessKey: 'renewed-secret',
      expiration: new Date(Date.now() + 3_600_000),
    };
    let current = first;
    const client = createLambdaClient({
      region: 'eu-west-1',
      endpoint,
      maxSockets: 4,
      credentials: () => Promise.resolve(current),
    });
    try {
      for (const name of ['a', 'b', 'c', 'd']) {
        if (name === 'c') current = renewed;
        await client.send(new GetFunctionCommand({ FunctionName: name }));
      }
    } finally {
      client.destroy();
    }
    expect(seen.map((s) => /Credential=(\w+)\//.exec(String(s.headers.authorization))![1])).toEqual([
      'AKIDFIRST',
      'AKIDFIRST',
      'AKIDRENEWED',
      'AKIDRENEWED',
    ]);
    const secrets = ['first-secret', 'first-secret', 'renewed-secret', 'renewed-secret'];
    seen.forEach((request, i) => expect(signatureOf(request)).toBe(expectedSignature(request, secrets[i]!)));
  });

  it("closes an attempt's connection when its signal aborts, one command class cached or not", async () => {
    const { endpoint, seen } = await standIn('stall');
    const client = clientFor(endpoint);
    try {
      // Two sends of each class: the second goes through the cached middleware of the first.
      for (const make of [
        () => new GetPolicyCommand({ FunctionName: 'p' }),
        () => new GetPolicyCommand({ FunctionName: 'q' }),
        () => new GetFunctionCommand({ FunctionName: 'f' }),
      ]) {
        const controller = new AbortController();
        const sent = client.send(withSignal(make(), controller.signal));
        await expect.poll(() => seen.length).toBeGreaterThan(0);
        const entry = seen.at(-1)!;
        controller.abort(new Error('attempt timed out'));
        await expect(sent).rejects.toThrow();
        // The socket is destroyed, not left waiting for an answer that never comes.
        await expect.poll(() => entry.closed).toBe(true);
        seen.length = 0;
      }
    } finally {
      client.destroy();
    }
  });

  it('still refuses a mutating command before it leaves the process', async () => {
    const { endpoint, seen } = await standIn('ok');
    const client = clientFor(endpoint);
    try {
      await client.send(new GetFunctionCommand({ FunctionName: 'a' }));
      await expect(client.send(new DeleteFunctionCommand({ FunctionName: 'a' }))).rejects.toBeInstanceOf(
        MutatingCallRefused,
      );
      await expect(
        client.send(withSignal(new DeleteFunctionCommand({ FunctionName: 'a' }), new AbortController().signal)),
      ).rejects.toBeInstanceOf(MutatingCallRefused);
    } finally {
      client.destroy();
    }
    expect(seen).toHaveLength(1);
  });
});
