// Untagged functions and subnet Availability Zones against moto, a third-party implementation of
// the Lambda and EC2 APIs: a VPC with subnets in two zones created with boto3, crawled with the real
// AWS SDK over HTTP, judged by the built-in rules. Skipped, with a notice, without python3 + moto.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { createEc2Client, createLambdaClient } from '../../src/crawl/client.js';
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

describeWithTool('moto', 'verdicts against moto', () => {
  beforeAll(async () => {
    const { endpoint } = await startMoto();
    await run('python3', [`${repoRoot}/test/fixtures/moto/seed_verdicts.py`, endpoint]);
    result = await crawl({
      regions: ['us-east-1'],
      envHashKey: testKey,
      clientFor: (region) => createLambdaClient({ region, endpoint, maxSockets: 8, credentials }),
      ec2ClientFor: (region) => createEc2Client({ region, endpoint, maxSockets: 4, credentials }),
    });
    evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
  }, 90_000);

  const findings = (ruleId: string): string[] =>
    evaluation.findings.filter((f) => f.ruleId === ruleId).map((f) => f.functionName);

  it('reports the untagged function with tags-required', () => {
    expect(findings('tags-required')).toEqual(['untagged']);
    expect(evaluation.notJudged.filter((n) => n.ruleId === 'tags-required')).toEqual([]);
  });

  it('resolves subnets to zones: two subnets in one zone fire vpc-single-az, two zones do not', () => {
    const oneAz = result.functions.find((f) => f.name === 'one-az');
    expect(Object.values(oneAz?.subnetAvailabilityZones ?? {})).toEqual(['us-east-1a', 'us-east-1a']);
    expect(
      Object.values(result.functions.find((f) => f.name === 'two-az')?.subnetAvailabilityZones ?? {}).sort(),
    ).toEqual(['us-east-1a', 'us-east-1b']);
    expect(findings('vpc-single-az')).toEqual(['one-az']);
    expect(evaluation.notJudged.filter((n) => n.ruleId === 'vpc-single-az')).toEqual([]);
  });
});
