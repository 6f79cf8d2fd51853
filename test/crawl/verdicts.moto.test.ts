// Untagged functions and subnet Availability Zones against moto, a third-party implementation of
// the Lambda and EC2 APIs: a VPC with subnets in two zones created with boto3, crawled with the real
// AWS SDK over HTTP, judged by the built-in rules. Skipped, with a notice, without python3 + moto.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEc2Client, createLambdaClient } from '../../src/crawl/client.js';
import { crawl, type CrawlResult } from '../../src/crawl/crawler.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { repoRoot } from '../helpers/cli.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { testKey } from '../helpers/sim.js';

const hasMoto = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import moto, boto3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasMoto) console.warn('verdicts.moto.test.ts skipped: python3 with moto and boto3 is not installed');

const run = promisify(execFile);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: ChildProcess | undefined;
let result: CrawlResult;
let evaluation: Evaluation;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilUp(url: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`moto did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!hasMoto) return;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitUntilUp(`${endpoint}/moto-api/`, 30_000);
  await run('python3', [`${repoRoot}/test/fixtures/moto/seed_verdicts.py`, endpoint]);
  result = await crawl({
    regions: ['us-east-1'],
    envHashKey: testKey,
    clientFor: (region) => createLambdaClient({ region, endpoint, maxSockets: 8, credentials }),
    ec2ClientFor: (region) => createEc2Client({ region, endpoint, maxSockets: 4, credentials }),
  });
  evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
}, 90_000);

afterAll(() => {
  moto?.kill('SIGTERM');
});

const findings = (ruleId: string): string[] =>
  evaluation.findings.filter((f) => f.ruleId === ruleId).map((f) => f.functionName);

describe.skipIf(!hasMoto)('verdicts against moto', () => {
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
