/**
 * A local Lambda API on loopback: the REST paths of ListFunctions (`FunctionVersion=ALL` too), GetFunction,
 * GetFunctionConfiguration, ListVersionsByFunction, ListAliases, GetPolicy, GetFunctionUrlConfig,
 * GetFunctionEventInvokeConfig, ListCapacityProviders (`/2025-11-30/capacity-providers`),
 * ListEventSourceMappings (`/2015-03-31/event-source-mappings/`, event-sources.ts),
 * ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig (`/2020-04-22/code-signing-configs`),
 * answering as Lambda does
 * (restJson1, `x-amzn-ErrorType`), with per account-region token buckets at the real quotas and
 * fault injection. The real AWS SDK talks to it over HTTP.
 *
 * The region comes from the SigV4 credential scope of each request, the account from the access
 * key (see `accounts`), so one server stands in for several regions and accounts. Requests signed
 * for EC2 (`ec2.ts`: DescribeSubnets) and IAM (`iam.ts`: GetAccountAuthorizationDetails, the
 * fleet's execution roles from `roles.ts`) are answered in their own Query protocol, CloudWatch Logs
 * calls (`logs.ts`: DescribeLogGroups, told apart by their `X-Amz-Target`) in awsJson1_1.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import { handleAdmin, type ListFailure } from './admin.js';
import { handleEc2, isEc2Request, type Ec2SimulatorOptions } from './ec2.js';
import { handleIam, isIamRequest, type IamSimulatorOptions } from './iam.js';
import { handleLogs, isLogsRequest, type LogsSimulatorOptions } from './logs.js';
import { simulatedIam } from './roles.js';
import { DEMO_ACCOUNT, generateFleet, type Fleet, type FleetOptions, type SimFunction } from './fleet.js';
import { eventSourceMappingsOf } from './event-sources.js';
import { capacityProvidersOf } from './managed.js';
import { codeSigningConfigsOf, functionsOfConfig, listedArn } from './code-signing.js';
import { seeded } from './random.js';
import { TokenBucket } from './token-bucket.js';

export interface SimulatorFaults {
  /** Fraction of requests answered 500 ServiceException. */
  readonly serverErrorRate?: number;
  /** Fraction of requests whose connection is reset without an answer. */
  readonly resetRate?: number;
  /** Fraction of requests that are never answered (the client must time out). */
  readonly stallRate?: number;
  /** Fraction of functions deleted once listed: GetFunction answers 404. */
  readonly vanishRate?: number;
  /** Fraction of functions this caller may list but not get: GetFunction answers 403. */
  readonly denyRate?: number;
  /** Fraction of functions whose GetFunction always answers 500. */
  readonly brokenRate?: number;
  /** Fraction of functions whose tags this caller may not list: GetFunction answers TagsError instead of Tags. */
  readonly tagsDenyRate?: number;
  /** Fraction of functions whose GetPolicy this caller may not call: it answers 403. */
  readonly policyDenyRate?: number;
}

export interface SimulatorOptions {
  readonly fleet?: Fleet | FleetOptions;
  /**
   * Requests per second per account-region. GetPolicy has a bucket of its own.
   * @default { getFunction: 100, controlPlane: 15, getPolicy: 15 }
   */
  readonly quotas?: { readonly getFunction: number; readonly controlPlane: number; readonly getPolicy?: number };
  /** Bucket size in seconds of quota (a burst allowance). @default 0.1 */
  readonly burstSeconds?: number;
  /** Requests per second another caller spends from the same quota. */
  readonly externalLoad?: {
    readonly getFunction?: number;
    readonly controlPlane?: number;
    readonly getPolicy?: number;
  };
  /** Added before every answer. @default 0 */
  readonly latencyMs?: number;
  readonly faults?: SimulatorFaults;
  /** More accounts, each with its own fleet (account id -> fleet options); reach them through `accounts`. */
  readonly otherAccounts?: Readonly<Record<string, FleetOptions>>;
  /** Access key id -> account id; unknown keys map to the fleet's account. */
  readonly accounts?: Readonly<Record<string, string>>;
  /** @default 7 */
  readonly seed?: number;
  /** Record the arrival time and operation of every request in `arrivals` (EC2, Logs and IAM requests as `EC2`, `Logs`, `IAM`). */
  readonly recordArrivals?: boolean;
  /** EC2 DescribeSubnets for the fleet's subnets (`ec2.ts`). */
  readonly ec2?: Ec2SimulatorOptions;
  /** IAM GetAccountAuthorizationDetails: each account's execution roles (`iam.ts`, `roles.ts`). */
  readonly iam?: IamSimulatorOptions;
  /** CloudWatch Logs DescribeLogGroups: the fleet's log groups (`logs.ts`). */
  readonly logs?: LogsSimulatorOptions;
  /** ListCapacityProviders (Lambda Managed Instances, `managed.ts`). */
  readonly capacityProviders?: {
    /** Answer 403 AccessDeniedException (the caller lacks lambda:ListCapacityProviders). */
    readonly deny?: boolean;
  };
  /** ListEventSourceMappings (`event-sources.ts`). */
  readonly eventSources?: {
    /** Answer 403 AccessDeniedException (the caller lacks lambda:ListEventSourceMappings). */
    readonly deny?: boolean;
    /** Answer 500 ServiceException every time (the read fails after its retries). */
    readonly fail?: boolean;
  };
  /** ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig (`code-signing.ts`). */
  readonly codeSigning?: {
    /** Answer 403 AccessDeniedException to both (the caller lacks the list actions). */
    readonly deny?: boolean;
  };
}

export interface SimulatorStats {
  requests: number;
  throttled: number;
  /** Requests with a method other than GET: the tool must never send one. */
  mutations: number;
  byOperation: Record<string, number>;
  faults: { serverError: number; reset: number; stall: number };
}

type Operation =
  | 'ListFunctions'
  | 'GetFunction'
  | 'GetFunctionConfiguration'
  | 'ListVersionsByFunction'
  | 'ListAliases'
  | 'GetPolicy'
  | 'GetFunctionUrlConfig'
  | 'GetFunctionEventInvokeConfig'
  | 'ListCapacityProviders'
  | 'ListEventSourceMappings'
  | 'ListCodeSigningConfigs'
  | 'ListFunctionsByCodeSigningConfig';

type QuotaGroup = 'getFunction' | 'controlPlane' | 'getPolicy';

/** Which quota each operation spends: GetFunction and GetPolicy have their own, the rest share one. */
const quotaGroup = (operation: Operation): QuotaGroup =>
  operation === 'GetFunction' ? 'getFunction' : operation === 'GetPolicy' ? 'getPolicy' : 'controlPlane';

const DEFAULT_QUOTAS = { getFunction: 100, controlPlane: 15, getPolicy: 15 } as const;

const PAGE_MAX = 50;

export class LambdaSimulator {
  readonly fleet: Fleet;
  readonly stats: SimulatorStats = newStats();
  /** Arrival time (ms, monotonic) and operation of each request, when `recordArrivals` is set. */
  /** With `recordArrivals`: each request's arrival; `throttled` when it was answered 429. */
  readonly arrivals: { readonly at: number; readonly operation: string; throttled?: true }[] = [];
  /** EC2 requests (DescribeSubnets), counted apart from the Lambda API's. */
  readonly ec2Stats = { requests: 0, throttled: 0, byOperation: {} as Record<string, number> };
  /** IAM requests, counted apart; `refused`: any action but GetAccountAuthorizationDetails. */
  readonly iamStats = { requests: 0, throttled: 0, refused: 0, byOperation: {} as Record<string, number> };
  /**
   * Regions whose ListFunctions fails on every call, with the error it answers (set through
   * `PUT /__simulator/faults/list-functions/{region}`): a region whose listing fails, for tests
   * of what a run may conclude about it.
   */
  readonly listFailures = new Map<string, ListFailure>();
  /** CloudWatch Logs requests (DescribeLogGroups), counted apart from the Lambda API's. */
  readonly logsStats = { requests: 0, throttled: 0, byOperation: {} as Record<string, number> };
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #options: SimulatorOptions;
  readonly #random: () => number;
  readonly #account: string;
  /** Every account's fleet, the primary one included. */
  readonly #fleets = new Map<string, Fleet>();

  constructor(options: SimulatorOptions = {}) {
    this.#options = options;
    this.fleet = options.fleet instanceof Map ? options.fleet : generateFleet(options.fleet ?? {});
    this.#account = (options.fleet instanceof Map ? undefined : options.fleet?.account) ?? DEMO_ACCOUNT;
    this.#fleets.set(this.#account, this.fleet);
    for (const [account, fleet] of Object.entries(options.otherAccounts ?? {}))
      this.#fleets.set(account, generateFleet({ ...fleet, account }));
    this.#random = seeded(options.seed ?? 7);
  }

  get regions(): string[] {
    return [...this.fleet.keys()];
  }

  get account(): string {
    return this.#account;
  }

  /** Starts listening on 127.0.0.1 (a free port unless given) and returns the endpoint URL. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => this.#handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.#server = server;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('simulator has no TCP address');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Clears the counters and refills every quota bucket. */
  resetStats(): void {
    Object.assign(this.stats, newStats());
    this.#buckets.clear();
  }

  /** The simulated function, for tests and drift scenarios that change the fleet. */
  function(region: string, name: string): SimFunction | undefined {
    return this.fleet.get(region)?.get(name);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/__simulator/')) {
      handleAdmin(
        {
          fleet: this.fleet,
          account: this.#account,
          stats: this.stats,
          ec2Stats: this.ec2Stats,
          logsStats: this.logsStats,
          listFailures: this.listFailures,
          reset: () => this.resetStats(),
        },
        url.pathname,
        req,
        res,
      );
      return;
    }
    if (isEc2Request(req)) {
      if (this.#options.recordArrivals) this.arrivals.push({ at: performance.now(), operation: 'EC2' });
      const { region, account } = this.#caller(req);
      const ec2 = this.#options.ec2 ?? {};
      const ctx = { fleets: this.#fleets, account, region, options: ec2, buckets: this.#buckets, stats: this.ec2Stats };
      handleEc2(ctx, req, res);
      return;
    }
    if (isLogsRequest(req)) {
      if (this.#options.recordArrivals) this.arrivals.push({ at: performance.now(), operation: 'Logs' });
      const { region, account } = this.#caller(req);
      const options = this.#options.logs ?? {};
      const ctx = { fleets: this.#fleets, account, region, options, buckets: this.#buckets, stats: this.logsStats };
      handleLogs(ctx, req, res);
      return;
    }
    if (isIamRequest(req)) {
      if (this.#options.recordArrivals) this.arrivals.push({ at: performance.now(), operation: 'IAM' });
      const { account } = this.#caller(req);
      const fleet = this.#fleets.get(account);
      const options = this.#options.iam ?? {};
      // Built per request from the fleet as it is now: a role a function was given since is there.
      const iam = fleet && simulatedIam(fleet, account, options);
      handleIam({ iam, account, options, buckets: this.#buckets, stats: this.iamStats }, req, res);
      return;
    }
    this.stats.requests++;
    if (req.method !== 'GET') {
      this.stats.mutations++;
      this.#reply(
        res,
        403,
        { Type: 'User', Message: `The simulator is read-only; got ${req.method ?? '?'} ${url.pathname}` },
        'AccessDeniedException',
      );
      return;
    }
    const route = this.#route(url.pathname);
    if (!route) {
      this.#reply(
        res,
        404,
        { Type: 'User', Message: `Unknown operation ${url.pathname}` },
        'UnknownOperationException',
      );
      return;
    }
    this.stats.byOperation[route.operation] = (this.stats.byOperation[route.operation] ?? 0) + 1;
    const arrival = { at: performance.now(), operation: route.operation };
    if (this.#options.recordArrivals) this.arrivals.push(arrival);
    const { region, account } = this.#caller(req);
    const group = quotaGroup(route.operation);
    const take = this.#bucket(account, region, group).take();
    if (!take.ok) {
      this.stats.throttled++;
      if (this.#options.recordArrivals) Object.assign(arrival, { throttled: true });
      this.#reply(
        res,
        429,
        { Reason: 'CallerRateLimitExceeded', Type: 'User', message: 'Rate exceeded' },
        'TooManyRequestsException',
        {
          'Retry-After': String(Math.max(1, Math.ceil(take.waitMs / 1000))),
        },
      );
      return;
    }
    const faults = this.#options.faults ?? {};
    const roll = this.#random();
    if (roll < (faults.resetRate ?? 0)) {
      this.stats.faults.reset++;
      req.socket.destroy();
      return;
    }
    if (roll < (faults.resetRate ?? 0) + (faults.stallRate ?? 0)) {
      this.stats.faults.stall++;
      return; // never answered; the socket closes when the client gives up
    }
    if (roll < (faults.resetRate ?? 0) + (faults.stallRate ?? 0) + (faults.serverErrorRate ?? 0)) {
      this.stats.faults.serverError++;
      this.#reply(
        res,
        500,
        { Type: 'Service', Message: 'An internal error occurred (injected fault).' },
        'ServiceException',
      );
      return;
    }
    this.#answer(route.operation, route.name, url, region, account, res);
  }

  #answer(
    operation: Operation,
    rawName: string | undefined,
    url: URL,
    region: string,
    account: string,
    res: ServerResponse,
  ): void {
    const functions = this.#fleets.get(account)?.get(region);
    if (operation === 'ListCapacityProviders') {
      if (this.#options.capacityProviders?.deny) {
        this.#reply(
          res,
          403,
          {
            Message: `User: arn:aws:sts::${account}:assumed-role/auditor/session is not authorized to perform: lambda:ListCapacityProviders on resource: arn:aws:lambda:${region}:${account}:capacity-provider:* because no identity-based policy allows the lambda:ListCapacityProviders action`,
          },
          'AccessDeniedException',
        );
        return;
      }
      const state = url.searchParams.get('State');
      const providers = capacityProvidersOf(functions?.values() ?? []).filter(
        (p) => state === null || p.State === state,
      );
      this.#reply(res, 200, page(providers, url, 'CapacityProviders'));
      return;
    }
    if (operation === 'ListEventSourceMappings') {
      const opts = this.#options.eventSources ?? {};
      if (opts.deny) {
        this.#denyList(res, account, operation);
        return;
      }
      if (opts.fail) {
        this.#reply(res, 500, { Type: 'Service', Message: 'An internal error occurred.' }, 'ServiceException');
        return;
      }
      // Without FunctionName or EventSourceArn: every mapping of the region, pages of up to 100.
      const fnFilter = url.searchParams.get('FunctionName');
      const sourceFilter = url.searchParams.get('EventSourceArn');
      const mappings = eventSourceMappingsOf(functions?.values() ?? []).filter(
        (m) =>
          (fnFilter === null || parseName(fnFilter).name === parseName(m.FunctionArn).name) &&
          (sourceFilter === null || m.EventSourceArn === sourceFilter),
      );
      this.#reply(res, 200, page(mappings, url, 'EventSourceMappings', 100));
      return;
    }
    if (operation === 'ListCodeSigningConfigs' || operation === 'ListFunctionsByCodeSigningConfig') {
      if (this.#options.codeSigning?.deny) {
        this.#denyList(res, account, operation);
        return;
      }
      const configs = codeSigningConfigsOf(functions?.values() ?? [], account, region);
      if (operation === 'ListCodeSigningConfigs') {
        this.#reply(res, 200, page(configs, url, 'CodeSigningConfigs'));
        return;
      }
      if (!configs.some((c) => c.CodeSigningConfigArn === rawName)) {
        this.#reply(
          res,
          404,
          { Type: 'User', Message: `Code signing configuration not found: ${rawName ?? ''}` },
          'ResourceNotFoundException',
        );
        return;
      }
      const arns = functionsOfConfig(functions?.values() ?? [], rawName ?? '').map(listedArn);
      this.#reply(res, 200, page(arns, url, 'FunctionArns'));
      return;
    }
    if (operation === 'ListFunctions') {
      const failure = this.listFailures.get(region);
      if (failure === 'AccessDeniedException') {
        this.#reply(
          res,
          403,
          {
            Message: `User: arn:aws:sts::${account}:assumed-role/auditor/session is not authorized to perform: lambda:ListFunctions on resource: * (injected listing failure)`,
          },
          'AccessDeniedException',
        );
        return;
      }
      if (failure === 'ServiceException') {
        this.#reply(
          res,
          500,
          { Type: 'Service', Message: 'An internal error occurred (injected listing failure).' },
          'ServiceException',
        );
        return;
      }
      // FunctionVersion=ALL: as Lambda (and moto), each function's `$LATEST` (its ARN qualified
      // with `:$LATEST`) followed by its published versions, each its own entry; pages of 50
      // entries, so a function's versions can continue on the next page.
      const fleet = [...(functions?.values() ?? [])];
      const all =
        url.searchParams.get('FunctionVersion') === 'ALL'
          ? fleet.flatMap((f) => [
              { ...f.configuration, FunctionArn: `${f.configuration.FunctionArn ?? ''}:$LATEST` },
              ...f.versions,
            ])
          : fleet.map((f) => f.configuration);
      this.#reply(res, 200, page(all, url, 'Functions'));
      return;
    }
    const { name, qualifier } = parseName(rawName ?? '');
    const fn = functions?.get(name);
    const faults = this.#options.faults ?? {};
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    if (!fn || (operation === 'GetFunction' && chosen(arn, 'vanish', faults.vanishRate))) {
      this.#reply(res, 404, { Type: 'User', Message: `Function not found: ${arn}` }, 'ResourceNotFoundException');
      return;
    }
    if (operation === 'GetFunction' && chosen(arn, 'deny', faults.denyRate)) {
      this.#reply(
        res,
        403,
        {
          Message: `User: arn:aws:sts::${account}:assumed-role/auditor/session is not authorized to perform: lambda:GetFunction on resource: ${arn} because no identity-based policy allows the lambda:GetFunction action`,
        },
        'AccessDeniedException',
      );
      return;
    }
    if (operation === 'GetFunction' && chosen(arn, 'broken', faults.brokenRate)) {
      this.#reply(res, 500, { Type: 'Service', Message: 'An internal error occurred.' }, 'ServiceException');
      return;
    }
    if (operation === 'GetPolicy' && chosen(arn, 'deny-policy', faults.policyDenyRate)) {
      this.#reply(
        res,
        403,
        {
          Message: `User: arn:aws:sts::${account}:assumed-role/auditor/session is not authorized to perform: lambda:GetPolicy on resource: ${arn} because no identity-based policy allows the lambda:GetPolicy action`,
        },
        'AccessDeniedException',
      );
      return;
    }
    if (
      operation === 'GetPolicy' ||
      operation === 'GetFunctionUrlConfig' ||
      operation === 'GetFunctionEventInvokeConfig'
    ) {
      const asked = url.searchParams.get('Qualifier') ?? qualifier;
      answerExposure(operation, fn, arn, asked ?? undefined, (status, body, errorType) =>
        this.#reply(res, status, body, errorType),
      );
      return;
    }
    const version = qualifier === undefined || qualifier === '$LATEST' ? fn.configuration : versionFor(fn, qualifier);
    if (!version) {
      this.#reply(
        res,
        404,
        { Type: 'User', Message: `Function not found: ${arn}:${qualifier ?? ''}` },
        'ResourceNotFoundException',
      );
      return;
    }
    switch (operation) {
      case 'GetFunction':
        this.#reply(res, 200, {
          Configuration: version,
          Code: fn.code,
          // As Lambda: no Tags key for an untagged function; TagsError when ListTags is denied.
          ...(chosen(arn, 'tags-deny', faults.tagsDenyRate)
            ? { TagsError: tagsDenied(account, arn) }
            : Object.keys(fn.tags).length > 0
              ? { Tags: fn.tags }
              : {}),
          ...(fn.reservedConcurrency === undefined
            ? {}
            : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }),
        });
        return;
      case 'GetFunctionConfiguration':
        this.#reply(res, 200, version);
        return;
      case 'ListVersionsByFunction':
        this.#reply(res, 200, page([fn.configuration, ...fn.versions], url, 'Versions'));
        return;
      case 'ListAliases':
        this.#reply(res, 200, page<AliasConfiguration>(fn.aliases, url, 'Aliases'));
        return;
    }
  }

  #route(pathname: string): { operation: Operation; name?: string } | undefined {
    if (/^\/2025-11-30\/capacity-providers\/?$/.test(pathname)) return { operation: 'ListCapacityProviders' };
    if (/^\/2015-03-31\/event-source-mappings\/?$/.test(pathname)) return { operation: 'ListEventSourceMappings' };
    if (/^\/2020-04-22\/code-signing-configs\/?$/.test(pathname)) return { operation: 'ListCodeSigningConfigs' };
    const signing = /^\/2020-04-22\/code-signing-configs\/([^/]+)\/functions\/?$/.exec(pathname);
    if (signing) return { operation: 'ListFunctionsByCodeSigningConfig', name: decodeURIComponent(signing[1] ?? '') };
    const other = /^\/(2021-10-31|2019-09-25)\/functions\/([^/]+)\/(url|event-invoke-config)\/?$/.exec(pathname);
    if (other) {
      const [, date, name = '', sub] = other;
      if (date === '2021-10-31' && sub === 'url')
        return { operation: 'GetFunctionUrlConfig', name: decodeURIComponent(name) };
      if (date === '2019-09-25' && sub === 'event-invoke-config')
        return { operation: 'GetFunctionEventInvokeConfig', name: decodeURIComponent(name) };
      return undefined;
    }
    const m = /^\/2015-03-31\/functions\/?(?:([^/]+)(?:\/(configuration|versions|aliases|policy))?)?\/?$/.exec(
      pathname,
    );
    if (!m) return undefined;
    const [, name, sub] = m;
    if (name === undefined) return { operation: 'ListFunctions' };
    const decoded = decodeURIComponent(name);
    const operation: Operation =
      sub === 'configuration'
        ? 'GetFunctionConfiguration'
        : sub === 'versions'
          ? 'ListVersionsByFunction'
          : sub === 'aliases'
            ? 'ListAliases'
            : sub === 'policy'
              ? 'GetPolicy'
              : 'GetFunction';
    return { operation, name: decoded };
  }

  #caller(req: IncomingMessage): { region: string; account: string } {
    const auth = req.headers.authorization ?? '';
    const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/(?:lambda|ec2|iam|logs)\//.exec(auth);
    const accessKey = m?.[1] ?? '';
    return { region: m?.[2] ?? 'us-east-1', account: this.#options.accounts?.[accessKey] ?? this.#account };
  }

  #bucket(account: string, region: string, group: QuotaGroup): TokenBucket {
    const key = `${account}/${region}/${group}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      const rate = { ...DEFAULT_QUOTAS, ...this.#options.quotas }[group] ?? DEFAULT_QUOTAS[group];
      bucket = new TokenBucket({
        rate,
        burstSeconds: this.#options.burstSeconds ?? 0.1,
        externalLoad: this.#options.externalLoad?.[group] ?? 0,
      });
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** 403 AccessDeniedException for a list action the caller may not call (it takes no resource). */
  #denyList(res: ServerResponse, account: string, operation: string): void {
    this.#reply(
      res,
      403,
      {
        Message: `User: arn:aws:sts::${account}:assumed-role/auditor/session is not authorized to perform: lambda:${operation} on resource: * because no identity-based policy allows the lambda:${operation} action`,
      },
      'AccessDeniedException',
    );
  }

  #reply(
    res: ServerResponse,
    status: number,
    body: unknown,
    errorType?: string,
    headers: Record<string, string> = {},
  ): void {
    const payload = JSON.stringify(body);
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(payload),
        'x-amzn-RequestId': requestId(this.#random),
        ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
        ...headers,
      });
      res.end(payload);
    };
    const latency = this.#options.latencyMs ?? 0;
    if (latency > 0) setTimeout(send, latency);
    else send();
  }
}

/**
 * GetPolicy, GetFunctionUrlConfig and GetFunctionEventInvokeConfig of `$LATEST` (or of an alias:
 * its own policy; no URL or invoke config in the demo), with Lambda's
 * answers: the policy as a JSON string; timestamps as Lambda sends them (ISO strings for the URL,
 * epoch seconds for the invoke config); 404 ResourceNotFoundException when there is none.
 */
function answerExposure(
  operation: 'GetPolicy' | 'GetFunctionUrlConfig' | 'GetFunctionEventInvokeConfig',
  fn: SimFunction,
  arn: string,
  qualifier: string | undefined,
  reply: (status: number, body: unknown, errorType?: string) => void,
): void {
  const none = (message: string): void => reply(404, { Type: 'User', Message: message }, 'ResourceNotFoundException');
  if (qualifier !== undefined && qualifier !== '$LATEST') {
    // A qualifier has a policy of its own (AddPermission --qualifier); aliases only, in the demo.
    const known = fn.aliases.some((a) => a.Name === qualifier) || fn.versions.some((v) => v.Version === qualifier);
    if (!known) return none(`Function not found: ${arn}:${qualifier}`);
    const own = fn.aliasExposure?.[qualifier];
    if (operation === 'GetPolicy' && own)
      return reply(200, { Policy: JSON.stringify(own.policy), RevisionId: fn.configuration.RevisionId });
    return none('The resource you requested does not exist.');
  }
  const exposure = fn.exposure;
  switch (operation) {
    case 'GetPolicy':
      if (!exposure?.policy) return none('The resource you requested does not exist.');
      return reply(200, { Policy: JSON.stringify(exposure.policy), RevisionId: fn.configuration.RevisionId });
    case 'GetFunctionUrlConfig':
      if (!exposure?.url) return none('The resource you requested does not exist.');
      return reply(200, { ...exposure.url, FunctionArn: arn });
    case 'GetFunctionEventInvokeConfig':
      if (!exposure?.eventInvokeConfig) return none(`The function ${arn} doesn't have an EventInvokeConfig`);
      return reply(200, { ...exposure.eventInvokeConfig, FunctionArn: `${arn}:$LATEST`, LastModified: 1748779200 });
  }
}

function newStats(): SimulatorStats {
  return { requests: 0, throttled: 0, mutations: 0, byOperation: {}, faults: { serverError: 0, reset: 0, stall: 0 } };
}

function page<T>(items: readonly T[], url: URL, key: string, pageMax = PAGE_MAX): Record<string, unknown> {
  const start = Number(url.searchParams.get('Marker') ?? '0') || 0;
  const max = Math.min(pageMax, Number(url.searchParams.get('MaxItems') ?? pageMax) || pageMax);
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: slice, ...(next === undefined ? {} : { NextMarker: next }) };
}

function parseName(raw: string): { name: string; qualifier?: string } {
  const arn = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:([^:]+)(?::(.+))?$/.exec(raw);
  const [name = raw, qualifier] = arn ? [arn[1], arn[2]] : raw.split(':');
  return qualifier === undefined ? { name } : { name, qualifier };
}

function versionFor(fn: SimFunction, qualifier: string): FunctionConfiguration | undefined {
  const alias = fn.aliases.find((a) => a.Name === qualifier);
  const version = alias?.FunctionVersion ?? qualifier;
  return fn.versions.find((v) => v.Version === version);
}

/** Deterministic per-function fault choice, so a function that is denied stays denied on retry. */
function chosen(arn: string, salt: string, rate: number | undefined): boolean {
  if (!rate) return false;
  const h = createHash('sha256').update(salt).update(arn).digest();
  return h.readUInt32BE(0) / 4294967296 < rate;
}

function tagsDenied(account: string, arn: string): { ErrorCode: string; Message: string } {
  return {
    ErrorCode: 'AccessDeniedException',
    Message: `User: arn:aws:sts::${account}:assumed-role/auditor/session is not authorized to perform: lambda:ListTags on resource: ${arn}`,
  };
}

function requestId(random: () => number): string {
  return Math.floor(random() * 2 ** 52)
    .toString(16)
    .padStart(13, '0');
}
