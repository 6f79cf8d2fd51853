// Event source mappings against moto, a third-party implementation of the Lambda API: a Kinesis
// stream, a DynamoDB table with a stream and SQS queues created with boto3, mapped with and without
// DestinationConfig, crawled with the real AWS SDK over HTTP, judged by the built-in rules.
// moto refuses cross-account sources and self-managed Kafka: the simulator test covers those.
// Skipped, with a notice, without python3 + moto.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { createLambdaClient } from '../../src/crawl/client.js';
import { crawl, type CrawlResult } from '../../src/crawl/crawler.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { repoRoot } from '../helpers/cli.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { startMoto } from '../helpers/moto.js';
import { testKey } from '../helpers/sim.js';
import { describeWithTool } from '../helpers/tools.js';

const run = promisify(execFile);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let result: CrawlResult;
let evaluation: Evaluation;
let seeded: Record<string, string[]>;

describeWithTool('moto', 'event source mappings against moto', () => {
  beforeAll(async () => {
    const { endpoint } = await startMoto();
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed_event_sources.py`, endpoint]);
    seeded = (JSON.parse(stdout) as { mappings: Record<string, string[]> }).mappings;
    result = await crawl({
      regions: ['us-east-1'],
      envHashKey: testKey,
      clientFor: (region) => createLambdaClient({ region, endpoint, maxSockets: 8, credentials }),
    });
    evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
  }, 90_000);

  const findings = (ruleId: string): string[] =>
    evaluation.findings
      .filter((f) => f.ruleId === ruleId)
      .map((f) => f.functionName)
      .sort();
  const own = (name: string) => result.functions.find((f) => f.name === name && f.qualifier === '$LATEST');

  it('attaches each mapping to its function, [] where none, with its on-failure destination', () => {
    expect(result.regions.every((r) => r.complete)).toBe(true);
    for (const [name, uuids] of Object.entries(seeded))
      expect(
        own(name)?.eventSourceMappings?.map((m) => m.UUID),
        name,
      ).toEqual(uuids);
    expect(own('no-mappings')?.eventSourceMappings).toEqual([]);
    expect(own('kinesis-dest')?.eventSourceMappings?.[0]?.DestinationConfig?.OnFailure?.Destination).toMatch(
      /^arn:aws:sqs:us-east-1:\d{12}:esm-failures$/,
    );
    expect(own('dynamodb-no-dest')?.eventSourceMappings?.[0]?.EventSourceArn).toMatch(/:table\/orders\/stream\//);
    expect(own('kinesis-no-dest')?.eventSourceMappings?.[0]).not.toHaveProperty('LastModified');
    expect(own('kinesis-no-dest')?.eventSourceMappings?.[0]).not.toHaveProperty('StateTransitionReason');
  });

  it('esm-failure-destination-missing fires on the stream mappings without a destination, never on SQS', () => {
    expect(findings('esm-failure-destination-missing')).toEqual(['dynamodb-no-dest', 'kinesis-no-dest']);
    const message = evaluation.findings.find((f) => f.functionName === 'kinesis-no-dest')?.message ?? '';
    expect(message).toContain(seeded['kinesis-no-dest']?.[0]);
    expect(message).toContain(':stream/clicks');
  });

  it('the sources are in the account: no esm-cross-account-source, no Kafka finding, everything judged', () => {
    expect(findings('esm-cross-account-source')).toEqual([]);
    expect(findings('esm-kafka-unauthenticated')).toEqual([]);
    expect(evaluation.notJudged.filter((n) => n.ruleId.startsWith('esm-'))).toEqual([]);
  });
});
