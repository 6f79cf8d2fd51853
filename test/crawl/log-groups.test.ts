// Log groups end to end: the real AWS SDK (CloudWatch Logs, awsJson1_1) over HTTP against the
// simulator's DescribeLogGroups, then the built-in pack. The fleet plants a group with retention, one
// without, one with a KMS key, functions with a custom LoggingConfig.LogGroup and functions with no
// group; each function's planted case is the ground truth.
import { describe, expect, it } from 'vitest';
import { createLogsClient, READ_ONLY_LOGS_COMMANDS } from '../../src/crawl/client.js';
import type { CrawlResult } from '../../src/crawl/crawler.js';
import { LOG_GROUP_PAGE, logGroupNameOf } from '../../src/crawl/log-groups.js';
import { crawlAccountRegion } from '../../src/crawl/account-region.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { LOG_RULES } from '../../src/simulator/logs.js';
import type { LambdaSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import type { SimFunction } from '../../src/simulator/fleet.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { crawlSimulator, testKey, withSimulator } from '../helpers/sim.js';

const QUOTAS = { getFunction: 2000, controlPlane: 500, getPolicy: 500 };
const FLEET = { fleet: { functions: 240, regions: ['us-east-1', 'eu-west-1'], logGroups: true }, quotas: QUOTAS };
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };

const logsFor = (endpoint: string) => (region: string) =>
  createLogsClient({ region, endpoint, maxSockets: 4, credentials: CREDENTIALS });

async function crawlAndJudge(
  options: SimulatorOptions,
  withLogs = true,
): Promise<{ sim: LambdaSimulator; result: CrawlResult; evaluation: Evaluation }> {
  return withSimulator(options, async (sim, endpoint) => {
    const result = await crawlSimulator(sim, endpoint, {
      quotas: QUOTAS,
      ...(withLogs ? { logsClientFor: logsFor(endpoint) } : {}),
    });
    const evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
    return { sim, result, evaluation };
  });
}

const all = (sim: LambdaSimulator): SimFunction[] => [...sim.fleet.values()].flatMap((m) => [...m.values()]);
const reported = (e: Evaluation, ruleId: string) =>
  new Set(e.findings.filter((f) => f.ruleId === ruleId).map((f) => f.arn));
const notJudged = (e: Evaluation, ruleId: string) =>
  new Map(e.notJudged.filter((n) => n.ruleId === ruleId).flatMap((n) => n.functions.map((arn) => [arn, n.reason])));

describe('DescribeLogGroups against the simulator', () => {
  it('judges each function on its log group, exactly where the fleet planted it', async () => {
    const { sim, result, evaluation } = await crawlAndJudge(FLEET);
    const fleet = all(sim);
    expect(result.regions.every((r) => r.complete)).toBe(true);
    // Every planted case is there.
    expect(fleet.filter((f) => f.logs?.group === undefined).length).toBeGreaterThan(0);
    expect(fleet.filter((f) => f.logs?.group?.kmsKeyId !== undefined).length).toBeGreaterThan(0);
    expect(fleet.filter((f) => f.logs?.group?.retentionInDays !== undefined).length).toBeGreaterThan(0);
    const custom = fleet.filter((f) => !(f.configuration.LoggingConfig?.LogGroup ?? '').startsWith('/aws/lambda/'));
    expect(custom.length).toBeGreaterThan(0);
    for (const rule of LOG_RULES) {
      const expected = fleet.filter((f) => f.logs?.expected.includes(rule)).map((f) => f.configuration.FunctionArn);
      expect(expected.length, rule).toBeGreaterThan(0);
      expect([...reported(evaluation, rule)].sort(), rule).toEqual(expected.sort());
      expect(notJudged(evaluation, rule).size, rule).toBe(0);
    }
    // The record: the group's retention and key as planted; null for a function with no group.
    for (const f of fleet) {
      const record = result.functions.find((r) => r.arn === f.configuration.FunctionArn);
      if (!record || record.status !== 'ok') continue;
      const group = f.logs?.group;
      expect(record.logGroup, record.name).toEqual(
        group === undefined
          ? null
          : {
              logGroupName: logGroupNameOf(record),
              logGroupClass: 'STANDARD',
              ...(group.retentionInDays === undefined ? {} : { retentionInDays: group.retentionInDays }),
              ...(group.kmsKeyId === undefined ? {} : { kmsKeyId: group.kmsKeyId }),
            },
      );
    }
    // Bulk reads only: per region, the prefix pages plus one by-name call per 50 custom groups.
    const regions = sim.regions.length;
    const perRegion = Math.ceil(fleet.length / regions / LOG_GROUP_PAGE) + 1;
    const answered = sim.logsStats.requests - sim.logsStats.throttled;
    expect(sim.logsStats.throttled).toBe(0);
    expect(answered).toBeLessThanOrEqual(regions * (perRegion + 1));
    expect(answered).toBeGreaterThanOrEqual(regions * 2);
  });

  it('leaves the log rules not judged when DescribeLogGroups is denied, and the run complete', async () => {
    const { result, evaluation } = await crawlAndJudge({ ...FLEET, logs: { deny: true } });
    expect(result.regions.every((r) => r.complete)).toBe(true);
    const ok = result.functions.filter((f) => f.status === 'ok');
    for (const f of ok) {
      expect(f.logGroup).toBeUndefined();
      expect(f.unknown).toContainEqual({
        path: 'logGroup',
        reason: 'denied',
        detail: 'logs:DescribeLogGroups AccessDeniedException',
      });
    }
    for (const rule of LOG_RULES) {
      expect(reported(evaluation, rule).size, rule).toBe(0);
      expect(notJudged(evaluation, rule).size, rule).toBe(ok.length);
    }
  });

  it('a denied by-name read leaves only the custom groups unknown', async () => {
    const { sim, result } = await crawlAndJudge({ ...FLEET, logs: { denyByName: true } });
    const custom = new Set(
      all(sim)
        .filter((f) => !(f.configuration.LoggingConfig?.LogGroup ?? '').startsWith('/aws/lambda/'))
        .map((f) => f.configuration.FunctionArn),
    );
    for (const f of result.functions.filter((r) => r.status === 'ok')) {
      if (custom.has(f.arn)) expect(f.unknown?.map((u) => u.reason)).toContain('denied');
      else expect(f.logGroup).toBeDefined();
    }
  });

  it('--no-log-groups: no Logs call, every function skipped', async () => {
    await withSimulator(FLEET, async (sim, endpoint) => {
      const result = await crawlAccountRegion(
        {
          region: 'us-east-1',
          client: { endpoint, ec2Endpoint: endpoint, logsEndpoint: endpoint, maxSockets: 16, credentials: CREDENTIALS },
          key: testKey,
          settings: { quotas: QUOTAS, logGroups: false, exposure: 'none' },
        },
        new AbortController().signal,
      );
      expect(sim.logsStats.requests).toBe(0);
      const ok = result.functions.filter((f) => f.status === 'ok');
      expect(ok.length).toBeGreaterThan(0);
      for (const f of ok)
        expect(f.unknown).toContainEqual({ path: 'logGroup', reason: 'skipped', detail: '--no-log-groups' });
    });
  });

  it('the Logs client refuses any command but DescribeLogGroups', async () => {
    expect([...READ_ONLY_LOGS_COMMANDS]).toEqual(['DescribeLogGroupsCommand']);
    const client = await createLogsClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      maxSockets: 1,
      credentials: CREDENTIALS,
    });
    const { PutRetentionPolicyCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    await expect(
      client.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/lambda/x', retentionInDays: 1 })),
    ).rejects.toThrow(/read-only/);
    client.destroy();
  });
});
