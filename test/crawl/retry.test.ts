import { describe, expect, it } from 'vitest';
import { classify, defaultRetryPolicy, errorInfo, nextDelay, retryAfterMs } from '../../src/crawl/retry.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    ...extra,
  });

describe('classify', () => {
  it.each([
    [sdkError('TooManyRequestsException', 429), 'throttled'],
    [sdkError('ThrottlingException', 400), 'throttled'],
    [sdkError('Throttling', 400), 'throttled'], // IAM's Query protocol: HTTP 400, code Throttling
    [sdkError('AccessDenied', 403), 'denied'], // IAM's
    [sdkError('ResourceNotFoundException', 404), 'not-found'],
    [sdkError('AccessDeniedException', 403), 'denied'],
    [sdkError('ServiceException', 500), 'transient'],
    [sdkError('Unknown', 503), 'transient'],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'transient'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    [sdkError('TimeoutError'), 'transient'],
    [sdkError('AbortError'), 'transient'],
    [sdkError('InvalidParameterValueException', 400), 'fatal'],
    [new Error('something odd'), 'fatal'],
  ] as const)('%s -> %s', (error, kind) => {
    expect(classify(error)).toBe(kind);
  });
});

describe('nextDelay', () => {
  const policy = { ...defaultRetryPolicy, maxTransientAttempts: 3, maxThrottleAttempts: 5 };

  it('backs off exponentially with full jitter on transient faults, then gives up', () => {
    expect(nextDelay('transient', 1, policy, undefined, () => 1)).toBe(200);
    expect(nextDelay('transient', 2, policy, undefined, () => 1)).toBe(400);
    expect(nextDelay('transient', 2, policy, undefined, () => 0.5)).toBe(200);
    expect(nextDelay('transient', 3, policy, undefined, () => 1)).toBeUndefined();
  });

  it('honours Retry-After on a 429 and retries 429s longer than faults', () => {
    expect(nextDelay('throttled', 1, policy, 1000, () => 0)).toBe(1000);
    expect(nextDelay('throttled', 4, policy, undefined, () => 1)).toBe(1600);
    expect(nextDelay('throttled', 5, policy, undefined, () => 1)).toBeUndefined();
  });

  it('never retries not-found, denied or fatal errors', () => {
    for (const kind of ['not-found', 'denied', 'fatal'] as const)
      expect(nextDelay(kind, 1, policy, undefined)).toBeUndefined();
  });

  it('caps the backoff', () => {
    expect(nextDelay('throttled', 4, { ...policy, maxDelayMs: 300 }, undefined, () => 1)).toBe(300);
  });
});

describe('retryAfterMs', () => {
  it('reads the modelled retryAfterSeconds and the raw header', () => {
    expect(retryAfterMs({ retryAfterSeconds: '2' })).toBe(2000);
    expect(retryAfterMs({ $response: { headers: { 'retry-after': '1' } } })).toBe(1000);
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ retryAfterSeconds: '9999' })).toBe(60_000);
  });
});

describe('errorInfo', () => {
  it('keeps the code and status and strips presigned query strings from messages', () => {
    const info = errorInfo(
      sdkError('ServiceException', 500, {
        message: 'failed https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abc&X-Amz-Security-Token=tok',
      }),
      6,
    );
    expect(info).toEqual({
      code: 'ServiceException',
      httpStatus: 500,
      attempts: 6,
      message: 'failed https://bucket.s3.amazonaws.com/x?<redacted>',
    });
  });
});
