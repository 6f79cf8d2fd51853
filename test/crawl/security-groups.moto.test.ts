// Security groups against moto, a third-party implementation of the Lambda and EC2 APIs: a VPC
// with a group left at AWS's default egress, one with the default revoked and a narrow rule added,
// and an open proxy group, created with boto3; crawled with the real AWS SDK over HTTP (EC2
// DescribeSecurityGroups in moto's query protocol), judged by the built-in rules. Skipped, with a
// notice, without python3 + moto.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { createEc2Client, createLambdaClient } from '../../src/crawl/client.js';
import { crawl, type CrawlResult } from '../../src/crawl/crawler.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { CompiledRule } from '../../src/rules/types.js';
import { repoRoot } from '../helpers/cli.js';
import { startMoto } from '../helpers/moto.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { testKey } from '../helpers/sim.js';
import { describeWithTool } from '../helpers/tools.js';

const run = promisify(execFile);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const RULE = 'sg-egress-unrestricted';
let result: CrawlResult;
let groups: { open: string; restricted: string; proxy: string };

describeWithTool('moto', 'security groups against moto', () => {
  beforeAll(async () => {
    const { endpoint } = await startMoto();
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed_security_groups.py`, endpoint]);
    groups = (JSON.parse(stdout) as { groups: typeof groups }).groups;
    result = await crawl({
      regions: ['us-east-1'],
      envHashKey: testKey,
      clientFor: (region) => createLambdaClient({ region, endpoint, maxSockets: 8, credentials }),
      ec2ClientFor: (region) => createEc2Client({ region, endpoint, maxSockets: 4, credentials }),
    });
  }, 90_000);

  const verdicts = (rules: CompiledRule[]) => {
    const evaluation = evaluate(result.functions, rules);
    return {
      fired: evaluation.findings
        .filter((f) => f.ruleId === RULE)
        .map((f) => f.functionName)
        .sort(),
      notJudged: evaluation.notJudged.filter((n) => n.ruleId === RULE),
    };
  };

  it("reads each group's egress as EC2 returns it: the default open, the revoked one narrow", () => {
    const restricted = result.functions.find((f) => f.name === 'restricted');
    expect(restricted?.securityGroups?.[groups.restricted]).toMatchObject({
      GroupId: groups.restricted,
      GroupName: 'restricted',
      egress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: ['10.30.0.0/16'] }],
    });
    const open = result.functions.find((f) => f.name === 'open-egress');
    expect(open?.securityGroups?.[groups.open]?.egress).toEqual([{ IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] }]);
    expect(result.functions.find((f) => f.name === 'no-vpc')?.securityGroups).toBeUndefined();
  });

  it('fires on the default egress (alone or next to a narrow group), not on the revoked group', async () => {
    const { fired, notJudged } = verdicts(await loadRuleSet({ asOf: AS_OF }));
    expect(fired).toEqual(['mixed', 'open-egress', 'proxied']);
    expect(notJudged).toEqual([]);
  });

  it('allowedGroups by name leaves the proxy out', async () => {
    const rules = await loadRuleSet({
      asOf: AS_OF,
      configFile: `${repoRoot}/test/fixtures/policies/sg-egress-proxy-allowed.yaml`,
    });
    expect(verdicts(rules).fired).toEqual(['mixed', 'open-egress']);
  });
});
