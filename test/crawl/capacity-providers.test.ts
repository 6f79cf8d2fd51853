// Lambda Managed Instances end to end: the real AWS SDK over HTTP against the simulator's
// ListCapacityProviders (`/2025-11-30/capacity-providers`, restJson1), then the built-in pack.
// moto has no capacity providers: the simulator's planted providers are the ground truth.
import { describe, expect, it } from 'vitest';
import { createEc2Client } from '../../src/crawl/client.js';
import type { CrawlResult } from '../../src/crawl/crawler.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { MANAGED_RULES } from '../../src/simulator/managed.js';
import type { LambdaSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';

const QUOTAS = { getFunction: 2000, controlPlane: 500, getPolicy: 500 };
const FLEET = {
  fleet: { functions: 160, regions: ['us-east-1', 'eu-west-1'], managedInstances: true },
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
  extra: { capacityProviders?: boolean } = {},
  prepare?: (sim: LambdaSimulator) => void,
): Promise<{ sim: LambdaSimulator; result: CrawlResult; evaluation: Evaluation; calls: number }> {
  return withSimulator(options, async (sim, endpoint) => {
    prepare?.(sim);
    const result = await crawlSimulator(sim, endpoint, { quotas: QUOTAS, ec2ClientFor: ec2For(endpoint), ...extra });
    const evaluation = evaluate(result.functions, await loadRuleSet({ asOf: AS_OF }));
    return { sim, result, evaluation, calls: sim.stats.byOperation.ListCapacityProviders ?? 0 };
  });
}

const onProviders = (sim: LambdaSimulator) =>
  [...sim.fleet.values()].flatMap((m) => [...m.values()]).filter((f) => f.managed?.provider !== undefined);

const reported = (e: Evaluation, ruleId: string) =>
  new Set(e.findings.filter((f) => f.ruleId === ruleId).map((f) => f.arn));
const notJudged = (e: Evaluation, ruleId: string) =>
  new Map(e.notJudged.filter((n) => n.ruleId === ruleId).flatMap((n) => n.functions.map((arn) => [arn, n.reason])));

describe('ListCapacityProviders against the simulator', () => {
  it('judges functions on capacity providers on their provider, exactly where the fleet planted it', async () => {
    const { sim, result, evaluation, calls } = await crawlAndJudge(FLEET);
    const managed = onProviders(sim);
    expect(managed.length).toBeGreaterThanOrEqual(10);
    expect(result.regions.every((r) => r.complete)).toBe(true);
    // Once per region, one page each.
    expect(calls).toBe(2);
    const managedArns = new Set(managed.map((f) => f.configuration.FunctionArn ?? ''));
    const durable = [...sim.fleet.values()]
      .flatMap((m) => [...m.values()])
      .filter((f) => f.configuration.DurableConfig);
    expect(durable.length).toBeGreaterThanOrEqual(2);
    for (const rule of MANAGED_RULES) {
      const expected = new Set(
        [...sim.fleet.values()]
          .flatMap((m) => [...m.values()])
          .filter((f) => f.managed?.expected.includes(rule))
          .map((f) => f.configuration.FunctionArn ?? ''),
      );
      expect(expected.size, rule).toBeGreaterThan(0);
      let got = reported(evaluation, rule);
      // vpc-single-az also judges the fleet's own VPC functions: only those on providers are planted here.
      if (rule === 'vpc-single-az') got = new Set([...got].filter((arn) => managedArns.has(arn)));
      expect([...got].sort(), rule).toEqual([...expected].sort());
    }
    // Never vpc-missing, never the IPv6 rule (a provider's VpcConfig has no such setting).
    for (const rule of ['vpc-missing', 'vpc-ipv6-dual-stack-disabled'])
      expect(
        [...reported(evaluation, rule)].filter((arn) => managedArns.has(arn)),
        rule,
      ).toEqual([]);
    // The provider is on the record, and its subnets' zones were looked up.
    const record = result.functions.find((f) => managedArns.has(f.arn));
    expect(record?.capacityProvider?.VpcConfig?.SubnetIds?.length).toBe(2);
    expect(Object.keys(record?.subnetAvailabilityZones ?? {})).toHaveLength(2);
    expect((record?.unknown ?? []).filter((p) => p.path === 'capacityProvider')).toEqual([]);
  });

  it('an ordinary fleet pays nothing: no function on a provider, no ListCapacityProviders call', async () => {
    const { calls, result } = await crawlAndJudge({ fleet: { functions: 20, regions: ['us-east-1'] }, quotas: QUOTAS });
    expect(calls).toBe(0);
    expect(result.functions.some((f) => f.capacityProvider !== undefined)).toBe(false);
  });

  it('denied: the provider is unknown (denied), its rules are not judged, vpc-missing still never fires, the run stands', async () => {
    const { sim, result, evaluation, calls } = await crawlAndJudge({ ...FLEET, capacityProviders: { deny: true } });
    expect(calls).toBe(2); // refused once per region, not retried
    expect(result.regions.every((r) => r.complete)).toBe(true);
    const managed = onProviders(sim).map((f) => f.configuration.FunctionArn ?? '');
    const unjudgedAz = notJudged(evaluation, 'vpc-single-az');
    const unjudgedKms = notJudged(evaluation, 'capacity-provider-kms-cmk-missing');
    for (const arn of managed) {
      expect(unjudgedAz.get(arn), arn).toBe('denied');
      expect(unjudgedKms.get(arn), arn).toBe('denied');
      expect(reported(evaluation, 'vpc-missing').has(arn)).toBe(false);
    }
    const record = result.functions.find((f) => f.arn === managed[0]);
    expect(record?.unknown?.filter((p) => p.path === 'capacityProvider')).toEqual([
      { path: 'capacityProvider', reason: 'denied', detail: 'lambda:ListCapacityProviders AccessDeniedException' },
    ]);
    // Needs no provider read: still judged.
    expect(reported(evaluation, 'capacity-provider-mixed-trust').size).toBeGreaterThan(0);
  });

  it('--no-capacity-providers: no call, the provider is skipped', async () => {
    const { sim, result, calls } = await crawlAndJudge(FLEET, { capacityProviders: false });
    expect(calls).toBe(0);
    const arn = onProviders(sim)[0]?.configuration.FunctionArn;
    expect(result.functions.find((f) => f.arn === arn)?.unknown?.filter((p) => p.path === 'capacityProvider')).toEqual([
      { path: 'capacityProvider', reason: 'skipped', detail: '--no-capacity-providers' },
    ]);
  });

  it('follows NextMarker: 60 providers in one region take two pages', async () => {
    const { result, calls } = await crawlAndJudge(
      { fleet: { functions: 60, regions: ['us-east-1'] }, quotas: QUOTAS },
      {},
      (sim) => {
        const all = [...(sim.fleet.get('us-east-1')?.values() ?? [])];
        all.forEach((fn, i) => {
          const arn = `arn:aws:lambda:us-east-1:${sim.account}:capacity-provider:cp-${String(i).padStart(2, '0')}`;
          delete fn.configuration.VpcConfig;
          fn.configuration.CapacityProviderConfig = {
            LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: arn },
          };
          fn.managed = {
            provider: {
              CapacityProviderArn: arn,
              State: 'Active',
              VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
              PermissionsConfig: { CapacityProviderOperatorRoleArn: undefined },
            },
            expected: [],
          };
        });
      },
    );
    expect(calls).toBe(2);
    expect(result.functions.filter((f) => f.capacityProvider !== undefined)).toHaveLength(60);
  });
});
