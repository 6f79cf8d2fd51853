/**
 * A service control policy in front of moto's Lambda API. moto enforces no SCPs, and its IAM
 * authorization cannot stand in for one: it supplies no `aws:RequestedRegion` (a Deny conditioned
 * on it applies in every region) and, with it on, moto's Lambda refuses even well-signed requests
 * (SignatureDoesNotMatch). So this loopback proxy does what AWS's policy evaluation does before
 * the service answers: a Lambda request from a denied account, in a denied region, gets Lambda's
 * answer to an SCP's explicit deny (403, `x-amzn-ErrorType: AccessDeniedException`, the message
 * naming the caller and "with an explicit deny in a service control policy"); every other request
 * goes to moto unchanged. Point `AWS_ENDPOINT_URL_LAMBDA` at it; Organizations and STS stay on moto.
 *
 * The caller's account and ARN are what moto's STS GetCallerIdentity says for the request's access
 * key (moto without IAM authorization does not check signatures, so the secret is not needed),
 * looked up once per key. The session tokens the proxy sees are kept, so a test can check that
 * none of them reaches an output.
 *
 *   const proxy = await startScpProxy(motoEndpoint, [{ account: '111122223333', region: 'eu-west-1' }]);
 *   // ... run with AWS_ENDPOINT_URL_LAMBDA=proxy.endpoint ...
 *   await proxy.close();
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export interface ScpDeny {
  readonly account: string;
  readonly region: string;
}

export interface ScpProxy {
  readonly endpoint: string;
  /** Requests answered with the deny, in order: where, the operation, and the message sent. */
  readonly denied: { account: string; region: string; operation: string; message: string }[];
  /** Every `X-Amz-Security-Token` seen (assumed-role sessions): secrets no output may contain. */
  readonly sessionTokens: Set<string>;
  close(): Promise<void>;
}

interface Caller {
  readonly account: string;
  readonly arn: string;
}

export async function startScpProxy(target: string, deny: readonly ScpDeny[]): Promise<ScpProxy> {
  const upstream = new URL(target);
  const callers = new Map<string, Promise<Caller>>();
  const denied: ScpProxy['denied'] = [];
  const sessionTokens = new Set<string>();

  const callerOf = (accessKeyId: string, sessionToken: string | undefined): Promise<Caller> => {
    let caller = callers.get(accessKeyId);
    if (caller === undefined) {
      const sts = new STSClient({
        endpoint: target,
        region: 'us-east-1',
        credentials: {
          accessKeyId,
          secretAccessKey: 'not-checked-by-moto',
          ...(sessionToken === undefined ? {} : { sessionToken }),
        },
      });
      caller = sts
        .send(new GetCallerIdentityCommand({}))
        .then((r) => ({ account: r.Account ?? '', arn: r.Arn ?? '' }))
        .finally(() => sts.destroy());
      callers.set(accessKeyId, caller);
    }
    return caller;
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = req.headers['x-amz-security-token'];
    if (typeof token === 'string') sessionTokens.add(token);
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '');
    const [, accessKeyId = '', region = '', service = ''] = scope ?? [];
    if (service === 'lambda' && deny.some((d) => d.region === region)) {
      const caller = await callerOf(accessKeyId, typeof token === 'string' ? token : undefined);
      if (deny.some((d) => d.region === region && d.account === caller.account)) {
        const operation = /^\/2015-03-31\/functions\/?(\?|$)/.test(req.url ?? '') ? 'ListFunctions' : 'GetFunction';
        const message = `User: ${caller.arn} is not authorized to perform: lambda:${operation} on resource: * with an explicit deny in a service control policy`;
        denied.push({ account: caller.account, region, operation, message });
        req.resume();
        const body = JSON.stringify({ Message: message });
        res.writeHead(403, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'x-amzn-ErrorType': 'AccessDeniedException',
          'x-amzn-RequestId': `scp-${denied.length}`,
        });
        res.end(body);
        return;
      }
    }
    forward(req, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the SCP proxy has no TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    denied,
    sessionTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
