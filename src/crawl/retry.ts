/**
 * What to do with a failed call: pure decisions, so they are tested without a network.
 */
import { sanitizeMessage } from '../snapshot/redact.js';
import type { ErrorInfo } from '../snapshot/types.js';

export type FailureKind =
  /** 429: slow the quota group down and try again. */
  | 'throttled'
  /** 5xx, connection reset, timeout: back off and try again. */
  | 'transient'
  /** 404 on a function we listed: it was deleted in between. */
  | 'not-found'
  /** 403: this principal may not read it. */
  | 'denied'
  /** Anything else (400, unknown): retrying will not help. */
  | 'fatal';

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  retryAfterSeconds?: string;
  $retryable?: { throttling?: boolean };
}

const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);
const timeoutNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);

export function classify(error: unknown): FailureKind {
  const e = (error ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  if (
    name === 'TooManyRequestsException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded' || // EC2's throttle (HTTP 503)
    name === 'Throttling' || // IAM's and STS's (HTTP 400, "Rate exceeded")
    status === 429 ||
    e.$retryable?.throttling === true
  )
    return 'throttled';
  if (name === 'ResourceNotFoundException' || status === 404) return 'not-found';
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) return 'denied';
  if (status !== undefined && status >= 500) return 'transient';
  if (timeoutNames.has(name) || (e.code !== undefined && networkCodes.has(e.code))) return 'transient';
  if (/socket hang up|ECONNRESET|network|timed? ?out/i.test(e.message ?? '')) return 'transient';
  return 'fatal';
}

/** The `Retry-After` the service sent, in ms, if any. */
export function retryAfterMs(error: unknown): number | undefined {
  const e = (error ?? {}) as SdkLikeError;
  const raw = e.retryAfterSeconds ?? e.$response?.headers?.['retry-after'];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 60) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - Date.now(), 60_000));
}

export interface RetryPolicy {
  /** Attempts for 5xx and network faults, including the first. @default 6 */
  readonly maxTransientAttempts: number;
  /** Attempts for 429s, including the first. A 429 is not a failure, so this is generous. @default 25 */
  readonly maxThrottleAttempts: number;
  /** First backoff ceiling in ms; doubles per attempt (full jitter). @default 200 */
  readonly baseDelayMs: number;
  /** @default 10000 */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxTransientAttempts: 6,
  maxThrottleAttempts: 25,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
};

/** Delay before attempt `attempt + 1` (attempt counts from 1), or undefined to give up. */
export function nextDelay(
  kind: FailureKind,
  attempt: number,
  policy: RetryPolicy,
  retryAfter: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (kind === 'throttled') {
    if (attempt >= policy.maxThrottleAttempts) return undefined;
  } else if (kind === 'transient') {
    if (attempt >= policy.maxTransientAttempts) return undefined;
  } else {
    return undefined;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = random() * ceiling;
  return Math.max(jittered, retryAfter ?? 0);
}

export function errorInfo(error: unknown, attempts: number): ErrorInfo {
  const e = (error ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  return {
    code,
    message: sanitizeMessage(e.message ?? String(error)),
    ...(status === undefined ? {} : { httpStatus: status }),
    attempts,
  };
}
