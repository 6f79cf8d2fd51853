// Verdicts that need more than GetFunction, end to end through the real AWS SDK over HTTP against
// the simulator (and offline input): untagged functions are judged, unreadable tags are counted as
// not judged, and subnets are resolved to Availability Zones with EC2 DescribeSubnets.
import { ec2SendOf } from '../../src/crawl/sdk-remote.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeleteSubnetCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { createEc2Client, MutatingCallRefused } from '../../src/crawl/client.js';
import { SUBNET_BATCH, withSubnetAzs } from '../../src/crawl/subnets.js';
import { loadInputs } from '../../src/input/load.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Evaluation } from '../../src/rules/types.js';
import { simulatedZone } from '../../src/simulator/ec2.js';
import type { FunctionRecord } from '../../src/snapshot/types.js';
import type { LambdaSimulator, SimulatorOptions } from '../../src/simulator/server.js';
import { AS_OF } from '../helpers/rule-tester.js';
import { crawlSimulator, testKey, withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

async function judge(records: readonly FunctionRecord[]): Promise<Evaluation> {
  return evaluate(records, await loadRuleSet({ asOf: AS_OF }));
}

function findingsOf(e: Evaluation, ruleId: string): string[] {
  return e.findings.filter((f) => f.ruleId === ruleId).map((f) => f.functionName);
}

/** Subnet ids the simulator puts in `zone` of us-east-1. */
function subnetsIn(zone: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const id = `subnet-${i.toString(16).padStart(17, '0')}`;
    if (simulatedZone('us-east-1', id) === `us-east-1${zone}`) out.push(id);
  }
  return out;
}

const [a1, a2] = subnetsIn('a', 2) as [string, string];
const [b1] = subnetsIn('b', 1) as [string];

/** A small fleet with three VPC functions whose subnets are placed by hand. */
async function crawlVpcFleet(options: SimulatorOptions): Promise<{ records: readonly FunctionRecord[] }> {
  return withSimulator({ fleet: { functions: 20, regions: ['us-east-1'] }, ...options }, async (sim, endpoint) => {
    const names = [...(sim.fleet.get('us-east-1')?.keys() ?? [])];
    const place = (i: number, subnets: string[]): string => {
      const fn = sim.function('us-east-1', names[i] ?? '');
      if (!fn) throw new Error('no function');
      fn.configuration.VpcConfig = { VpcId: 'vpc-0test', SubnetIds: subnets, SecurityGroupIds: ['sg-0test'] };
      return fn.configuration.FunctionName ?? '';
    };
    for (let i = 3; i < names.length; i++) delete sim.function('us-east-1', names[i] ?? '')?.configuration.VpcConfig;
    place(0, [a1, a2]);
    place(1, [a1, b1]);
    place(2, [b1]);
    const result = await crawlSimulator(sim, endpoint, { ec2ClientFor: ec2For(endpoint) });
    expect(result.regions[0]?.complete).toBe(true);
    return { records: result.functions };
  });
}

function ec2For(endpoint: string) {
  return (region: string) =>
    createEc2Client({
      region,
      endpoint,
      maxSockets: 4,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    });
}

describe('tags', () => {
  it('an untagged function from the simulator is reported by tags-required', async () => {
    await withSimulator(
      { fleet: { functions: 20, regions: ['us-east-1'] } },
      async (sim: LambdaSimulator, endpoint) => {
        const result = await crawlSimulator(sim, endpoint);
        const untagged = [...(sim.fleet.get('us-east-1')?.values() ?? [])].filter(
          (f) => Object.keys(f.tags).length === 0,
        );
        expect(untagged.length).toBeGreaterThan(0);
        const e = await judge(result.functions);
        for (const f of untagged) {
          const name = f.configuration.FunctionName ?? '';
          expect(result.functions.find((r) => r.name === name)?.tags).toEqual({});
          expect(findingsOf(e, 'tags-required')).toContain(name);
        }
        expect(e.notJudged.filter((n) => n.ruleId === 'tags-required')).toEqual([]);
      },
    );
  });

  it('functions with a TagsError are counted as not judged, not reported', async () => {
    await withSimulator(
      { fleet: { functions: 20, regions: ['us-east-1'] }, faults: { tagsDenyRate: 1 } },
      async (sim, endpoint) => {
        const result = await crawlSimulator(sim, endpoint);
        const e = await judge(result.functions);
        expect(findingsOf(e, 'tags-required')).toEqual([]);
        const counted = e.notJudged.find((n) => n.ruleId === 'tags-required');
        expect(counted).toMatchObject({ reason: 'denied', path: 'tags', count: result.functions.length });
        expect(result.functions[0]?.tagsError?.ErrorCode).toBe('AccessDeniedException');
      },
    );
  });

  it('get-function JSON without Tags is untagged; list-functions input is not judged', async () => {
    const dir = tempDir('la-tags-');
    const config = (name: string) => ({
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
      Runtime: 'python3.13',
    });
    writeFileSync(join(dir, 'get.json'), JSON.stringify({ Configuration: config('from-get-function') }));
    writeFileSync(join(dir, 'list.json'), JSON.stringify({ Functions: [config('from-list-functions')] }));
    const snapshot = await loadInputs([join(dir, 'get.json'), join(dir, 'list.json')], {
      key: () => Promise.resolve(testKey),
      defaultRegion: 'us-east-1',
      toolVersion: 'test',
      now: AS_OF,
    });
    const e = await judge(snapshot.functions);
    expect(findingsOf(e, 'tags-required')).toEqual(['from-get-function']);
    expect(e.notJudged.find((n) => n.ruleId === 'tags-required')).toMatchObject({
      reason: 'not-in-input',
      path: 'tags',
      count: 1,
    });
  });
});

describe('Availability Zones', () => {
  it('two subnets in one zone give vpc-single-az; two zones do not', async () => {
    const { records } = await crawlVpcFleet({});
    expect(records.find((r) => r.configuration.VpcConfig?.SubnetIds?.includes(a2))?.subnetAvailabilityZones).toEqual({
      [a1]: 'us-east-1a',
      [a2]: 'us-east-1a',
    });
    const e = await judge(records);
    const single = findingsOf(e, 'vpc-single-az');
    const inVpc = records.filter((r) => r.configuration.VpcConfig?.SubnetIds?.length);
    expect(inVpc).toHaveLength(3);
    const names = (pred: (s: readonly string[]) => boolean) =>
      inVpc.filter((r) => pred(r.configuration.VpcConfig?.SubnetIds ?? [])).map((r) => r.name);
    expect(single.sort()).toEqual([...names((s) => s.includes(a2)), ...names((s) => s.length === 1)].sort());
    expect(single).not.toContain(names((s) => s.includes(a1) && s.includes(b1))[0]);
    expect(e.notJudged.filter((n) => n.ruleId === 'vpc-single-az')).toEqual([]);
  });

  it('DescribeSubnets denied: not judged (a single subnet is still one zone), the crawl stands', async () => {
    const { records } = await crawlVpcFleet({ ec2: { deny: true } });
    const e = await judge(records);
    const counted = e.notJudged.find((n) => n.ruleId === 'vpc-single-az');
    expect(counted).toMatchObject({ reason: 'denied', path: 'subnetAvailabilityZones', count: 2 });
    expect(findingsOf(e, 'vpc-single-az')).toHaveLength(1);
    expect(records.every((r) => r.subnetAvailabilityZones === undefined)).toBe(true);
  });

  it('asks EC2 once per account-region for every subnet, in one batch', async () => {
    await withSimulator({ fleet: { functions: 200, regions: ['us-east-1', 'eu-west-1'] } }, async (sim, endpoint) => {
      const result = await crawlSimulator(sim, endpoint, { ec2ClientFor: ec2For(endpoint) });
      expect(sim.ec2Stats.byOperation.DescribeSubnets).toBe(2);
      const vpc = result.functions.filter((r) => r.configuration.VpcConfig?.SubnetIds?.length);
      expect(vpc.length).toBeGreaterThan(50);
      for (const r of vpc)
        expect(Object.keys(r.subnetAvailabilityZones ?? {}).sort()).toEqual(
          [...(r.configuration.VpcConfig?.SubnetIds ?? [])].sort(),
        );
    });
  });
});

describe('EC2 client', () => {
  it('refuses any EC2 command but DescribeSubnets before it leaves the process', async () => {
    await withSimulator({ fleet: { functions: 4, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const client = await ec2For(endpoint)('us-east-1');
      await expect(client.send(new DeleteSubnetCommand({ SubnetId: 'subnet-1' }))).rejects.toBeInstanceOf(
        MutatingCallRefused,
      );
      expect(sim.ec2Stats.requests).toBe(0);
      client.destroy();
    });
  });
});

describe('subnet lookup decisions', () => {
  const vpcRecord = (i: number, subnets: string[]): FunctionRecord => ({
    arn: `arn:aws:lambda:us-east-1:111122223333:function:f${i}`,
    account: '111122223333',
    region: 'us-east-1',
    name: `f${i}`,
    qualifier: '$LATEST',
    status: 'ok',
    source: 'GetFunction',
    configuration: { VpcConfig: { VpcId: 'vpc-1', SubnetIds: subnets } },
  });
  const fast = { maxTransientAttempts: 2, maxThrottleAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };

  it('batches at most 200 subnet ids per call and asks for each subnet once', async () => {
    const calls: string[][] = [];
    const client = {
      send: (cmd: { input: { Filters?: { Values?: string[] }[] } }) => {
        const ids = cmd.input.Filters?.[0]?.Values ?? [];
        calls.push(ids);
        return Promise.resolve({ Subnets: ids.map((id) => ({ SubnetId: id, AvailabilityZone: 'us-east-1a' })) });
      },
    } as unknown as EC2Client;
    // 450 distinct subnets, each named by two functions.
    const records = Array.from({ length: 900 }, (_, i) => vpcRecord(i, [`subnet-${i % 450}`]));
    const out = await withSubnetAzs(records, {
      ec2: () => ec2SendOf(client),
      signal: new AbortController().signal,
      retry: fast,
    });
    expect(calls.map((c) => c.length)).toEqual([SUBNET_BATCH, SUBNET_BATCH, 50]);
    expect(new Set(calls.flat()).size).toBe(450);
    expect(out.functions[0]?.subnetAvailabilityZones).toEqual({ 'subnet-0': 'us-east-1a' });
  });

  it('a refused call stops the lookups of that account-region and marks its VPC functions', async () => {
    let calls = 0;
    const denied = Object.assign(new Error('You are not authorized to perform this operation.'), {
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403 },
    });
    const client = {
      send: () => {
        calls++;
        return Promise.reject(denied);
      },
    } as unknown as EC2Client;
    const records = [
      ...Array.from({ length: 300 }, (_, i) => vpcRecord(i, [`subnet-${i}`])),
      { ...vpcRecord(999, []), configuration: {} },
    ];
    const out = await withSubnetAzs(records, {
      ec2: () => ec2SendOf(client),
      signal: new AbortController().signal,
      retry: fast,
    });
    expect(calls).toBe(1);
    expect(out.functions[0]?.unknown).toEqual([
      { path: 'subnetAvailabilityZones', reason: 'denied', detail: 'ec2:DescribeSubnets UnauthorizedOperation' },
    ]);
    expect(out.functions.at(-1)?.unknown).toBeUndefined();
  });
});
