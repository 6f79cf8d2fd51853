/**
 * Who can invoke a function: its resource-based policy (GetPolicy, on its own 15 rps lane), its
 * function URL and its asynchronous invocation settings (GetFunctionUrlConfig and
 * GetFunctionEventInvokeConfig, on the 15 rps control-plane lane that deploy pipelines share).
 *
 * GetPolicy is the floor of a scan (N / 15 s), so it starts as soon as a function is listed. The
 * shared lane is kept light by reading only what a rule or drift can use:
 * - the URL only where the policy has a statement that could grant `lambda:InvokeFunctionUrl`:
 *   without such a grant an `AuthType: NONE` URL answers 403 to everyone, so it cannot be public;
 * - the invoke config only where the function has no dead-letter queue: `dlq-missing` is then
 *   already satisfied, and the read would serve drift of destinations alone (docs/benchmarks.md
 *   measures the difference; `exposureReads: 'all'` makes every read).
 * A part not read stays absent and gets an `unknown` entry saying why, so no rule judges it.
 */
import type {
  FunctionConfiguration,
  FunctionEventInvokeConfig,
  GetFunctionUrlConfigResponse,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { MalformedPolicyError, normalisePolicy } from '../snapshot/policy.js';
import type {
  EventInvokeInfo,
  FunctionUrlInfo,
  PolicyStatement,
  ResourcePolicy,
  UnknownPart,
} from '../snapshot/types.js';
import { withSignal } from './client.js';
import type { CallResult, QuotaLane } from './lane.js';
import { loadLambdaSdk } from './sdk.js';

// By require, not import (./sdk.ts).
const { GetFunctionEventInvokeConfigCommand, GetFunctionUrlConfigCommand, GetPolicyCommand } = loadLambdaSdk();

/**
 * - `lean` (default): GetPolicy for every function; the URL and invoke config only where they can matter.
 * - `all`: every read for every function (the benchmark's comparison, and full drift of destinations).
 * - `none` (`--no-exposure`): no read; the three parts are unknown ('skipped').
 */
export type ExposureReads = 'lean' | 'all' | 'none';

export type ExposurePath = 'policy' | 'functionUrl' | 'eventInvokeConfig';

export interface ExposureParts {
  policy?: ResourcePolicy | null;
  functionUrl?: FunctionUrlInfo | null;
  eventInvokeConfig?: EventInvokeInfo | null;
  readonly unknown: UnknownPart[];
}

export interface ExposureDeps {
  readonly client: LambdaClient;
  /** GetPolicy's own lane. */
  readonly policyLane: QuotaLane;
  /** The shared control-plane lane. */
  readonly controlLane: QuotaLane;
  readonly signal: AbortSignal;
  readonly reads: ExposureReads;
}

export const NO_EXPOSURE_DETAIL = '--no-exposure';
export const NO_URL_GRANT_DETAIL = 'no lambda:InvokeFunctionUrl grant in the policy';
export const POLICY_NOT_READ_DETAIL = 'the policy was not read';
export const HAS_DLQ_DETAIL = 'the function has a dead-letter queue';

export const ALIAS_INVOKE_CONFIG_DETAIL = 'not read for an alias';

/**
 * Reads the exposure parts of one function (`$LATEST`), or of an alias when `listed.FunctionArn` is
 * the alias ARN (Lambda reads the qualifier from it). Never throws, except when the crawl aborts.
 */
export async function readExposure(
  deps: ExposureDeps,
  listed: FunctionConfiguration,
  options: { readonly invokeConfig?: boolean } = {},
): Promise<ExposureParts> {
  const parts: ExposureParts = { unknown: [] };
  const skip = (path: ExposurePath, detail: string): void =>
    void parts.unknown.push({ path, reason: 'skipped', detail });
  if (deps.reads === 'none') {
    for (const path of ['policy', 'functionUrl', 'eventInvokeConfig'] as const) skip(path, NO_EXPOSURE_DETAIL);
    return parts;
  }
  const name = listed.FunctionArn ?? listed.FunctionName ?? '';
  const { client, signal } = deps;
  const readConfig = async (): Promise<void> => {
    if (options.invokeConfig === false) return skip('eventInvokeConfig', ALIAS_INVOKE_CONFIG_DETAIL);
    if (deps.reads === 'lean' && listed.DeadLetterConfig?.TargetArn) return skip('eventInvokeConfig', HAS_DLQ_DETAIL);
    const res = await deps.controlLane.call(
      (s) => client.send(withSignal(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }), s)),
      signal,
    );
    settle(parts, 'eventInvokeConfig', res, eventInvokeInfo);
  };
  const readPolicyThenUrl = async (): Promise<void> => {
    const res = await deps.policyLane.call(
      (s) => client.send(withSignal(new GetPolicyCommand({ FunctionName: name }), s)),
      signal,
    );
    settle(parts, 'policy', res, (out) => parsePolicy(out.Policy));
    if (deps.reads === 'lean') {
      if (parts.policy === undefined) return skip('functionUrl', POLICY_NOT_READ_DETAIL);
      if (!mayGrantUrlInvoke(parts.policy)) return skip('functionUrl', NO_URL_GRANT_DETAIL);
    }
    const url = await deps.controlLane.call(
      (s) => client.send(withSignal(new GetFunctionUrlConfigCommand({ FunctionName: name }), s)),
      signal,
    );
    settle(parts, 'functionUrl', url, functionUrlInfo);
  };
  await Promise.all([readPolicyThenUrl(), readConfig()]);
  parts.unknown.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return parts;
}

/** Stores a read's outcome: the value, `null` for ResourceNotFoundException, or an unknown part. */
function settle<T, K extends ExposurePath>(
  parts: ExposureParts,
  path: K,
  res: CallResult<T>,
  convert: (value: T) => ExposureParts[K],
): void {
  if (res.ok) {
    try {
      parts[path] = convert(res.value);
    } catch (error) {
      if (!(error instanceof MalformedPolicyError)) throw error;
      parts.unknown.push({ path, reason: 'failed', detail: 'MalformedPolicyDocument' });
    }
    return;
  }
  if (res.kind === 'not-found') {
    parts[path] = null;
    return;
  }
  const e = res.error as { name?: string; code?: string } | undefined;
  parts.unknown.push({
    path,
    reason: res.kind === 'denied' ? 'denied' : 'failed',
    detail: e?.name ?? e?.code ?? 'Error',
  });
}

function parsePolicy(document: string | undefined): ResourcePolicy | null {
  if (document === undefined || document === '') return null;
  return normalisePolicy(document);
}

/** Keeps the fields rules and drift use; drops FunctionArn and timestamps (they change without meaning). */
export function functionUrlInfo(out: GetFunctionUrlConfigResponse): FunctionUrlInfo {
  const cors = out.Cors;
  return {
    ...(out.FunctionUrl === undefined ? {} : { FunctionUrl: out.FunctionUrl }),
    AuthType: out.AuthType ?? 'NONE',
    ...(out.InvokeMode === undefined ? {} : { InvokeMode: out.InvokeMode }),
    ...(cors === undefined
      ? {}
      : {
          Cors: {
            ...(cors.AllowCredentials === undefined ? {} : { AllowCredentials: cors.AllowCredentials }),
            ...(cors.AllowHeaders === undefined ? {} : { AllowHeaders: [...cors.AllowHeaders] }),
            ...(cors.AllowMethods === undefined ? {} : { AllowMethods: [...cors.AllowMethods] }),
            ...(cors.AllowOrigins === undefined ? {} : { AllowOrigins: [...cors.AllowOrigins] }),
            ...(cors.ExposeHeaders === undefined ? {} : { ExposeHeaders: [...cors.ExposeHeaders] }),
            ...(cors.MaxAge === undefined ? {} : { MaxAge: cors.MaxAge }),
          },
        }),
  };
}

/** Keeps retries, event age and destinations; drops LastModified and FunctionArn. */
export function eventInvokeInfo(out: FunctionEventInvokeConfig): EventInvokeInfo {
  const destination = (d: { Destination?: string | undefined } | undefined): { Destination?: string } | undefined =>
    d === undefined ? undefined : d.Destination === undefined ? {} : { Destination: d.Destination };
  const onSuccess = destination(out.DestinationConfig?.OnSuccess);
  const onFailure = destination(out.DestinationConfig?.OnFailure);
  const hasDestinations = onSuccess !== undefined || onFailure !== undefined;
  return {
    ...(out.MaximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: out.MaximumRetryAttempts }),
    ...(out.MaximumEventAgeInSeconds === undefined ? {} : { MaximumEventAgeInSeconds: out.MaximumEventAgeInSeconds }),
    ...(hasDestinations
      ? {
          DestinationConfig: {
            ...(onSuccess === undefined ? {} : { OnSuccess: onSuccess }),
            ...(onFailure === undefined ? {} : { OnFailure: onFailure }),
          },
        }
      : {}),
  };
}

/**
 * True when some Allow statement could grant `lambda:InvokeFunctionUrl` to someone: its Action
 * matches it (`lambda:InvokeFunctionUrl`, `lambda:Invoke*`, `lambda:*`, `*`, any glob; case-
 * insensitive, as IAM) or its NotAction does not exclude it. Principals and conditions are not
 * weighed: any grant is a reason to read the URL.
 */
export function mayGrantUrlInvoke(policy: ResourcePolicy | null): boolean {
  if (policy === null) return false;
  return policy.Statement.some((s) => s.Effect === 'Allow' && grantsUrlInvoke(s));
}

const URL_ACTION = 'lambda:invokefunctionurl';

function grantsUrlInvoke(s: PolicyStatement): boolean {
  if (s.Action !== undefined) return s.Action.some((a) => actionMatches(a));
  if (s.NotAction !== undefined) return !s.NotAction.some((a) => actionMatches(a));
  return false;
}

function actionMatches(pattern: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(URL_ACTION);
}
