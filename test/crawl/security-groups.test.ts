// Security groups end to end: the real AWS SDK over HTTP against the simulator's EC2
// DescribeSecurityGroups (EC2 query protocol, XML), then the built-in pack. The simulator plants
// each group's egress (security-groups.ts): the ground truth the verdicts are checked against.
import { describe, expect, it } from 'vitest';
import { createEc2Client } from '../../src/crawl/client.js';
import type { CrawlResult } from '../../src/crawl/crawler.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import type { SimFunction } from '../../src/simulator/fleet.js';
import { expectsOpenEgress, groupsOfSim, simulatedGroup } from '../../src/simulator/security-groups.js';
import type { LambdaSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';

const RULE = 'sg-egress-unrestricted';
const QUOTAS = { getFunction: 2000, controlPlane: 500, getPolicy: 500 };
const FLEET = {
  fleet: { functions: 400, regions: ['us-east-1', 'eu-west-1'], managedInstances: true },
  quotas: QUOTAS,
};

function ec2For(endpoint: string) {
  return (region: string) =>
    createEc2Client({
      region,
      endpoint,
      maxSockets: 4,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    });
}

async function crawlAndJudge(
  options: SimulatorOptions,
  extra: { securityGroups?: boolean } = {},
  configFile?: string,
): Promise<{ sim: LambdaSimulator; result: CrawlResult; evaluation: Evaluation }> {
  return withSimulator(options, async (sim, endpoint) => {
    const result = await crawlSimulator(sim, endpoint, { quotas: QUOTAS, ec2ClientFor: ec2For(endpoint), ...extra });
    const rules = await loadRuleSet({ asOf: AS_OF, ...(configFile === undefined ? {} : { configFile }) });
    return { sim, result, evaluation: evaluate(result.functions, rules) };
  });
}

const all = (sim: LambdaSimulator): SimFunction[] => [...sim.fleet.values()].flatMap((m) => [...m.values()]);
const arnOf = (f: SimFunction): string => f.configuration.FunctionArn ?? '';
const reported = (e: Evaluation) => new Set(e.findings.filter((f) => f.ruleId === RULE).map((f) => f.arn));
const notJudged = (e: Evaluation) =>
  new Map(e.notJudged.filter((n) => n.ruleId === RULE).flatMap((n) => n.functions.map((arn) => [arn, n.reason])));

describe('DescribeSecurityGroups against the simulator', () => {
  it('fires exactly on the functions whose groups the fleet planted open, in a VPC or on a provider', async () => {
    const { sim, result, evaluation } = await crawlAndJudge(FLEET);
    expect(result.regions.every((r) => r.complete)).toBe(true);
    const fns = all(sim);
    const kinds = (f: SimFunction) => groupsOfSim(f).map((id) => simulatedGroup(id).kind);
    // Every planted case is there: open, restricted (HTTPS only, endpoints only), the proxy, a provider.
    for (const kind of ['open', 'https', 'endpoints', 'proxy'] as const)
      expect(
        fns.some((f) => kinds(f).includes(kind)),
        kind,
      ).toBe(true);
    const onProvider = fns.filter((f) => f.managed?.provider !== undefined);
    expect(onProvider.length).toBeGreaterThan(0);

    const expected = fns.filter((f) => expectsOpenEgress(f)).map(arnOf);
    expect([...reported(evaluation)].sort()).toEqual(expected.sort());
    for (const f of onProvider) expect(reported(evaluation).has(arnOf(f)), arnOf(f)).toBe(true);
    // Functions outside a VPC have no group: not judged by the rule, and never asked for.
    const outside = fns.filter((f) => groupsOfSim(f).length === 0);
    expect(outside.length).toBeGreaterThan(0);
    for (const f of outside) expect(reported(evaluation).has(arnOf(f))).toBe(false);
    expect(notJudged(evaluation).size).toBe(0);
    // One call per region (fewer than 200 groups each), each group asked once.
    expect(sim.ec2Stats.byOperation.DescribeSecurityGroups).toBe(2);
    const vpcRecord = result.functions.find((f) => f.configuration.VpcConfig?.SecurityGroupIds?.length);
    const id = vpcRecord?.configuration.VpcConfig?.SecurityGroupIds?.[0] ?? '';
    expect(vpcRecord?.securityGroups?.[id]).toMatchObject({ GroupId: id, GroupName: simulatedGroup(id).name });
  });

  it('allowedGroups by name: the egress proxy is left out', async () => {
    const { sim, evaluation } = await crawlAndJudge(FLEET, {}, 'test/fixtures/policies/sg-egress-proxy-allowed.yaml');
    const fns = all(sim);
    const proxied = fns.filter((f) => groupsOfSim(f).some((id) => simulatedGroup(id).kind === 'proxy'));
    expect(proxied.length).toBeGreaterThan(0);
    for (const f of proxied) expect(reported(evaluation).has(arnOf(f))).toBe(false);
    const expected = fns.filter((f) => expectsOpenEgress(f, { proxyAllowed: true })).map(arnOf);
    expect([...reported(evaluation)].sort()).toEqual(expected.sort());
  });

  it('denied: VPC functions not judged (denied), the crawl stands, subnets still read', async () => {
    const { sim, result, evaluation } = await crawlAndJudge({ ...FLEET, ec2: { denySecurityGroups: true } });
    expect(reported(evaluation).size).toBe(0);
    const vpc = all(sim).filter((f) => groupsOfSim(f).length > 0);
    const reasons = notJudged(evaluation);
    expect(reasons.size).toBe(vpc.length);
    expect(new Set(reasons.values())).toEqual(new Set(['denied']));
    // Refused once per region: no further call there.
    expect(sim.ec2Stats.byOperation.DescribeSecurityGroups).toBe(2);
    expect(result.functions.some((f) => f.subnetAvailabilityZones !== undefined)).toBe(true);
    expect(result.regions.every((r) => r.complete)).toBe(true);
  });

  it('--no-security-groups: no call, VPC functions skipped', async () => {
    const { sim, result, evaluation } = await crawlAndJudge(FLEET, { securityGroups: false });
    expect(sim.ec2Stats.byOperation.DescribeSecurityGroups ?? 0).toBe(0);
    expect(reported(evaluation).size).toBe(0);
    expect(new Set(notJudged(evaluation).values())).toEqual(new Set(['skipped']));
    const vpc = result.functions.find((f) => f.configuration.VpcConfig?.SecurityGroupIds?.length);
    expect(vpc?.unknown).toContainEqual({ path: 'securityGroups', reason: 'skipped', detail: '--no-security-groups' });
  });
});
