/**
 * The simulator's own control endpoints (not part of the Lambda API), so a fleet can be changed
 * between two scans from outside the process, for drift demos and tests:
 *
 *   GET    /__simulator/stats
 *   GET    /__simulator/stats/services                 (EC2's and CloudWatch Logs' counts)
 *   POST   /__simulator/reset                          (stats and quota buckets)
 *   PATCH  /__simulator/functions/{region}/{name}      {"configuration": {...}, "tags": {...}, "reservedConcurrency": n,
 *                                                       "policy": {...}, "url": {...}, "eventInvokeConfig": {...}}
 *   POST   /__simulator/functions/{region}/{name}      {"copyOf": "existing-name"}   (adds a function)
 *   DELETE /__simulator/functions/{region}/{name}
 *   PUT    /__simulator/faults/list-functions/{region}  {"error": "AccessDeniedException" | "ServiceException"}
 *   DELETE /__simulator/faults/list-functions/{region}  (lists again)
 *
 * A listing fault makes every ListFunctions of that region fail (a 403 the crawler does not retry,
 * or a 500 on every retry), so a test can see what a run concludes about a region it could not list.
 * In a PATCH, `configuration` is merged into the function's configuration (a `null` removes a
 * key), `tags` replaces the tags; `policy` (an IAM policy document), `url` (GetFunctionUrlConfig's
 * fields) and `eventInvokeConfig` replace those parts, `null` removes one. Every change gets a new
 * RevisionId and LastModified, as in Lambda.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { SimEventInvokeConfig, SimFunctionUrl, SimPolicy } from './exposure.js';
import type { Fleet, SimFunction } from './fleet.js';

/** How a region's ListFunctions fails: denied (not retried) or a 500 on every retry. */
export type ListFailure = 'AccessDeniedException' | 'ServiceException';

export interface AdminTarget {
  readonly fleet: Fleet;
  readonly account: string;
  readonly stats: unknown;
  /** EC2's and CloudWatch Logs' request counts, apart from the Lambda API's. */
  readonly ec2Stats?: unknown;
  readonly logsStats?: unknown;
  readonly listFailures: Map<string, ListFailure>;
  reset(): void;
}

const LIST_FAILURES: readonly ListFailure[] = ['AccessDeniedException', 'ServiceException'];

export function handleAdmin(target: AdminTarget, pathname: string, req: IncomingMessage, res: ServerResponse): void {
  const send = (status: number, body?: unknown): void => {
    if (body === undefined) res.writeHead(status).end();
    else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  if (pathname === '/__simulator/stats' && req.method === 'GET') return send(200, target.stats);
  if (pathname === '/__simulator/stats/services' && req.method === 'GET')
    return send(200, { ec2: target.ec2Stats ?? null, logs: target.logsStats ?? null });
  if (pathname === '/__simulator/reset' && req.method === 'POST') {
    target.reset();
    return send(204);
  }
  const fault = /^\/__simulator\/faults\/list-functions\/([^/]+)$/.exec(pathname);
  if (fault) {
    const region = decodeURIComponent(fault[1] ?? '');
    if (!target.fleet.has(region)) return send(404, { message: `no region ${region} in the simulated fleet` });
    if (req.method === 'DELETE') {
      target.listFailures.delete(region);
      return send(204);
    }
    if (req.method !== 'PUT') return send(405);
    void readJson(req).then((body) => {
      const error = (body as { error?: unknown } | undefined)?.error ?? 'AccessDeniedException';
      if (!LIST_FAILURES.includes(error as ListFailure))
        return send(400, { message: `expected {"error": ${LIST_FAILURES.map((e) => `"${e}"`).join(' | ')}}` });
      target.listFailures.set(region, error as ListFailure);
      return send(204);
    });
    return;
  }
  const m = /^\/__simulator\/functions\/([^/]+)\/([^/]+)$/.exec(pathname);
  const functions = m ? target.fleet.get(decodeURIComponent(m[1] ?? '')) : undefined;
  if (!m || !functions) return send(404, { message: 'unknown simulator endpoint or region' });
  const region = decodeURIComponent(m[1] ?? '');
  const name = decodeURIComponent(m[2] ?? '');
  void readJson(req).then((body) => {
    if (body === undefined) return send(400, { message: 'expected a JSON body' });
    const fn = functions.get(name);
    switch (req.method) {
      case 'DELETE':
        return send(functions.delete(name) ? 204 : 404);
      case 'PATCH': {
        if (!fn) return send(404, { message: `no function ${name} in ${region}` });
        applyPatch(fn, body as Patch);
        return send(200, fn.configuration);
      }
      case 'POST': {
        const copyOf = (body as { copyOf?: unknown }).copyOf;
        const source = typeof copyOf === 'string' ? functions.get(copyOf) : undefined;
        if (!source || fn)
          return send(409, { message: 'POST needs {"copyOf": "<existing function>"} and a name that is not taken' });
        const copy = structuredClone(source);
        copy.configuration.FunctionName = name;
        copy.configuration.FunctionArn = `arn:aws:lambda:${region}:${target.account}:function:${name}`;
        copy.versions = [];
        copy.aliases = [];
        touch(copy.configuration);
        functions.set(name, copy);
        return send(201, copy.configuration);
      }
      default:
        return send(405);
    }
  });
}

interface Patch {
  readonly configuration?: Record<string, unknown>;
  readonly tags?: Record<string, string>;
  readonly reservedConcurrency?: number | null;
  readonly policy?: SimPolicy | null;
  readonly url?: SimFunctionUrl | null;
  readonly eventInvokeConfig?: SimEventInvokeConfig | null;
}

function applyPatch(fn: SimFunction, patch: Patch): void {
  const config = fn.configuration as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch.configuration ?? {})) {
    if (value === null) delete config[key];
    else config[key] = value;
  }
  if (patch.tags) fn.tags = { ...patch.tags };
  if (patch.reservedConcurrency === null) delete fn.reservedConcurrency;
  else if (patch.reservedConcurrency !== undefined) fn.reservedConcurrency = patch.reservedConcurrency;
  // `expected` keeps what the generator planted: a patched function is a drift scenario, not ground truth.
  fn.exposure ??= { scenario: 'none', expected: [] };
  for (const key of ['policy', 'url', 'eventInvokeConfig'] as const) {
    if (patch[key] === null) delete fn.exposure[key];
    else if (patch[key] !== undefined) Object.assign(fn.exposure, { [key]: patch[key] });
  }
  touch(fn.configuration);
}

function touch(config: FunctionConfiguration): void {
  config.RevisionId = randomUUID();
  config.LastModified = new Date().toISOString().replace('Z', '+0000');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
