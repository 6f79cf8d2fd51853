// Decisions of the crawler, with the SDK mocked in-process (aws-sdk-client-mock). The HTTP path is
// proven against the simulator and moto in the other test files.
import {
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { crawl, type CrawlOptions } from '../../src/crawl/crawler.js';
import { envHashKey, hashEnvValue } from '../../src/snapshot/redact.js';

const key = envHashKey(Buffer.from('test-key-test-key'));
const arn = (name: string) => `arn:aws:lambda:us-east-1:111122223333:function:${name}`;
const listed = (name: string) => ({
  FunctionName: name,
  FunctionArn: arn(name),
  Runtime: 'python3.12' as const,
  Version: '$LATEST',
});
const apiError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} from the API`), { name, $metadata: { httpStatusCode: status }, ...extra });

const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const mock = mockClient(client);

function options(extra: Partial<CrawlOptions> = {}): CrawlOptions {
  return {
    regions: ['us-east-1'],
    clientFor: () => client,
    envHashKey: key,
    quotas: { getFunction: 10_000, controlPlane: 10_000, getPolicy: 10_000 },
    // GetFunction's decisions; the exposure reads' decisions are below, with the three commands mocked.
    exposure: 'none',
    retry: { maxTransientAttempts: 3, maxThrottleAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  };
}

beforeEach(() => mock.reset());

describe('crawl decisions', () => {
  it('keeps every listed function: fetched, vanished, denied and failed each get a record', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: ['ok', 'gone', 'secret', 'broken'].map(listed) });
    mock.on(GetFunctionCommand, { FunctionName: arn('ok') }).resolves({
      Configuration: { ...listed('ok'), MemorySize: 256 },
      Tags: { team: 'a' },
      Concurrency: { ReservedConcurrentExecutions: 7 },
    });
    mock.on(GetFunctionCommand, { FunctionName: arn('gone') }).rejects(apiError('ResourceNotFoundException', 404));
    mock.on(GetFunctionCommand, { FunctionName: arn('secret') }).rejects(apiError('AccessDeniedException', 403));
    mock.on(GetFunctionCommand, { FunctionName: arn('broken') }).rejects(apiError('ServiceException', 500));

    const result = await crawl(options());
    const byName = Object.fromEntries(result.functions.map((f) => [f.name, f]));
    expect(result.functions).toHaveLength(4);
    expect(byName.ok).toMatchObject({
      status: 'ok',
      source: 'GetFunction',
      tags: { team: 'a' },
      reservedConcurrency: 7,
      account: '111122223333',
      qualifier: '$LATEST',
    });
    expect(byName.gone).toMatchObject({ status: 'vanished', source: 'ListFunctions' });
    expect(byName.gone?.error).toBeUndefined();
    expect(byName.secret).toMatchObject({
      status: 'denied',
      configuration: { Runtime: 'python3.12' },
      error: { code: 'AccessDeniedException', httpStatus: 403, attempts: 1 },
    });
    expect(byName.broken).toMatchObject({ status: 'failed', error: { code: 'ServiceException', attempts: 3 } });
    expect(result.regions[0]).toMatchObject({
      listed: 4,
      fetched: 1,
      vanished: 1,
      denied: 1,
      failed: 1,
      complete: false,
      retries: 2,
    });
  });

  it('a vanished function alone leaves the crawl complete', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('gone')] });
    mock.on(GetFunctionCommand).rejects(apiError('ResourceNotFoundException', 404));
    const result = await crawl(options());
    expect(result.regions[0]).toMatchObject({ complete: true, vanished: 1 });
  });

  it('retries a 429 through the limiter and counts it; the SDK itself is asked exactly twice', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('f')] });
    mock
      .on(GetFunctionCommand)
      .rejectsOnce(
        new TooManyRequestsException({
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 429 },
          retryAfterSeconds: '0',
        }),
      )
      .resolves({ Configuration: listed('f') });
    const result = await crawl(options());
    expect(result.functions[0]?.status).toBe('ok');
    expect(mock.commandCalls(GetFunctionCommand)).toHaveLength(2);
    expect(result.regions[0]).toMatchObject({ throttled: 1, retries: 1, complete: true });
  });

  it('retries connection resets and timeouts, then succeeds', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('f')] });
    mock
      .on(GetFunctionCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .rejectsOnce(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))
      .resolves({ Configuration: listed('f') });
    const result = await crawl(options());
    expect(result.functions[0]?.status).toBe('ok');
    expect(result.regions[0]?.retries).toBe(2);
  });

  it('follows ListFunctions pages and marks the region incomplete when a page keeps failing', async () => {
    mock.on(ListFunctionsCommand, { Marker: undefined }).resolves({ Functions: [listed('a')], NextMarker: 'p2' });
    mock.on(ListFunctionsCommand, { Marker: 'p2' }).rejects(apiError('ServiceException', 503));
    mock.on(GetFunctionCommand).resolves({ Configuration: listed('a') });
    const result = await crawl(options());
    expect(result.functions.map((f) => f.name)).toEqual(['a']);
    expect(result.regions[0]).toMatchObject({
      complete: false,
      listed: 1,
      error: { code: 'ServiceException', attempts: 3 },
    });
  });

  it('hashes environment values and drops the presigned code URL at the boundary', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('f')] });
    mock.on(GetFunctionCommand).resolves({
      Configuration: {
        ...listed('f'),
        Environment: { Variables: { DB_PASSWORD: 'correct-horse-battery', AKEY: 'AKIAABCDEFGHIJKLMNOP' } },
      },
      Code: { RepositoryType: 'S3', Location: 'https://bucket.s3.amazonaws.com/code.zip?X-Amz-Signature=deadbeef' },
    });
    const result = await crawl(options());
    const record = result.functions[0]!;
    expect(record.configuration.Environment?.Variables).toEqual({
      AKEY: hashEnvValue(key, 'AKEY', 'AKIAABCDEFGHIJKLMNOP'),
      DB_PASSWORD: hashEnvValue(key, 'DB_PASSWORD', 'correct-horse-battery'),
    });
    expect(record.environmentFacts?.AKEY?.detectors).toEqual(['aws-access-key-id']);
    expect(record.code).toEqual({ RepositoryType: 'S3' });
    expect(JSON.stringify(result)).not.toMatch(/correct-horse|AKIAABCDEFGHIJKLMNOP|X-Amz-Signature/);
  });

  it('with versions by function: one record per published version, aliases attached to what they serve', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('f')] });
    mock.on(GetFunctionCommand).resolves({ Configuration: listed('f'), Tags: { team: 't' } });
    mock.on(ListVersionsByFunctionCommand).resolves({
      Versions: [
        listed('f'),
        { ...listed('f'), Version: '1', FunctionArn: `${arn('f')}:1`, Runtime: 'python3.8' },
        { ...listed('f'), Version: '2', FunctionArn: `${arn('f')}:2` },
      ],
    });
    mock.on(ListAliasesCommand).resolves({
      Aliases: [{ Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '1': 0.1 } } }],
    });
    const result = await crawl(options({ includeVersions: true, versionsFrom: 'ListVersionsByFunction' }));
    expect(result.functions.map((f) => `${f.qualifier}:${f.source}`)).toEqual([
      '$LATEST:GetFunction',
      '1:ListVersionsByFunction',
      '2:ListVersionsByFunction',
    ]);
    const v1 = result.functions[1]!;
    expect(v1).toMatchObject({
      arn: `${arn('f')}:1`,
      tags: { team: 't' },
      configuration: { Runtime: 'python3.8' },
      aliases: [{ name: 'live', functionVersion: '2' }],
    });
    expect(result.functions[2]?.aliases?.[0]?.name).toBe('live');
    expect(result.functions[0]?.aliases).toBeUndefined();
    expect(result.regions[0]).toMatchObject({ versions: 2, fetched: 1, complete: true });
  });

  it('with versions by function: a version listing that keeps failing is reported, not dropped', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('f')] });
    mock.on(GetFunctionCommand).resolves({ Configuration: listed('f') });
    mock.on(ListVersionsByFunctionCommand).rejects(apiError('ServiceException', 500));
    mock.on(ListAliasesCommand).resolves({ Aliases: [] });
    const result = await crawl(options({ includeVersions: true, versionsFrom: 'ListVersionsByFunction' }));
    expect(result.functions[0]).toMatchObject({ status: 'ok', versionsError: { code: 'ServiceException' } });
    expect(result.regions[0]?.complete).toBe(false);
  });

  it('stops promptly when the crawl is aborted', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('f')] });
    mock.on(GetFunctionCommand).rejects(apiError('ServiceException', 500));
    const controller = new AbortController();
    controller.abort(new Error('user pressed Ctrl-C'));
    await expect(crawl(options({ signal: controller.signal }))).rejects.toThrow('Ctrl-C');
  });
});

describe('exposure read decisions', () => {
  const publicUrlPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'url', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Resource: arn('a') },
    ],
  });
  const exposure = (extra: Partial<CrawlOptions> = {}) => options({ exposure: 'lean', ...extra });

  it('ResourceNotFoundException means none; no grant means the URL is not read', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('a')] });
    mock.on(GetFunctionCommand).resolves({ Configuration: listed('a') });
    mock.on(GetPolicyCommand).rejects(apiError('ResourceNotFoundException', 404));
    mock.on(GetFunctionEventInvokeConfigCommand).rejects(apiError('ResourceNotFoundException', 404));
    const result = await crawl(exposure());
    expect(result.functions[0]).toMatchObject({ policy: null, eventInvokeConfig: null });
    expect(result.functions[0]?.unknown).toEqual([
      { path: 'functionUrl', reason: 'skipped', detail: 'no lambda:InvokeFunctionUrl grant in the policy' },
    ]);
    expect(mock.commandCalls(GetFunctionUrlConfigCommand)).toHaveLength(0);
    expect(result.regions[0]?.complete).toBe(true);
  });

  it('a URL grant leads to GetFunctionUrlConfig; its fields are kept, timestamps and the ARN dropped', async () => {
    mock.on(ListFunctionsCommand).resolves({ Functions: [listed('a')] });
    mock.on(GetFunctionCommand).resolves({ Configuration: listed('a') });
    mock.on(GetPolicyCommand).resolves({ Policy: publicUrlPolicy, RevisionId: 'r' });
    mock.on(GetFunctionUrlConfigCommand).resolves({
      FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/',
      FunctionArn: arn('a'),
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      Cors: { AllowOrigins: ['*'] },
      CreationTime: '2025-01-01T00:00:00Z',
      LastModifiedTime: '2025-01-02T00:00:00Z',
    });
    mock.on(GetFunctionEventInvokeConfigCommand).resolves({
      FunctionArn: `${arn('a')}:$LATEST`,
      LastModified: new Date(0),
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:q' } },
    });
    const [record] = (await crawl(exposure())).functions;
    expect(record?.functionUrl).toEqual({
      FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/',
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      Cors: { AllowOrigins: ['*'] },
    });
    expect(record?.eventInvokeConfig).toEqual({
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:q' } },
    });
    expect(record?.policy?.Statement[0]).toMatchObject({ Sid: 'url', Principal: { AWS: ['*'] } });
    expect(record?.unknown).toBeUndefined();
  });

  it('a DLQ spares the invoke config read; failures after retries and bad policies are unknown, and incomplete', async () => {
    mock.on(ListFunctionsCommand).resolves({
      Functions: [
        { ...listed('a'), DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:111122223333:dlq' } },
        listed('b'),
      ],
    });
    mock.on(GetFunctionCommand).resolves({ Configuration: listed('a') });
    mock.on(GetPolicyCommand, { FunctionName: arn('a') }).resolves({ Policy: '{not json' });
    mock.on(GetPolicyCommand, { FunctionName: arn('b') }).resolves({ Policy: publicUrlPolicy });
    mock.on(GetFunctionUrlConfigCommand).rejects(apiError('ServiceException', 500));
    mock.on(GetFunctionEventInvokeConfigCommand).rejects(apiError('AccessDeniedException', 403));
    const result = await crawl(exposure());
    const [a, b] = result.functions;
    expect(a?.unknown).toEqual([
      { path: 'eventInvokeConfig', reason: 'skipped', detail: 'the function has a dead-letter queue' },
      { path: 'functionUrl', reason: 'skipped', detail: 'the policy was not read' },
      { path: 'policy', reason: 'failed', detail: 'MalformedPolicyDocument' },
    ]);
    expect(b?.unknown).toEqual([
      { path: 'eventInvokeConfig', reason: 'denied', detail: 'AccessDeniedException' },
      { path: 'functionUrl', reason: 'failed', detail: 'ServiceException' },
    ]);
    expect(mock.commandCalls(GetFunctionUrlConfigCommand)).toHaveLength(3); // retried
    expect(result.regions[0]).toMatchObject({ complete: false, partsDenied: 1, partsFailed: 2 });
  });
});
