/**
 * Lambda Managed Instances and durable functions in the demo fleet: a few existing functions are
 * moved onto capacity providers (their own VpcConfig removed: they run in the provider's VPC), a
 * few get a `DurableConfig`. Planted after every other draw, from the function index alone, so the
 * rest of the fleet (and the demo's run time: no function is added) is as it was.
 *
 * Per region, three providers, each with the rules that should fire on its functions:
 * - `shared-<n>`: two zones, a customer managed key, hosting functions of mixed exposure or teams
 *   (`capacity-provider-mixed-trust`);
 * - `single-az-<n>`: two subnets in one zone, no key (`vpc-single-az`,
 *   `capacity-provider-kms-cmk-missing`), one team, nobody outside the account: not mixed;
 * - `trusted-<n>`: two zones, a key, one team, nobody outside: nothing fires.
 *
 * moto has no capacity providers: this simulator is where ListCapacityProviders is exercised.
 */
import type { CapacityProvider } from '@aws-sdk/client-lambda';
import { simulatedZone } from './ec2.js';
import { PROVIDER_GROUP } from './security-groups.js';
import type { Fleet, SimFunction } from './fleet.js';

export const MANAGED_RULES = [
  'capacity-provider-mixed-trust',
  'capacity-provider-kms-cmk-missing',
  'vpc-single-az',
  'durable-kms-cmk-missing',
] as const;
export type ManagedRuleId = (typeof MANAGED_RULES)[number];

export interface SimManaged {
  /** The capacity provider the function runs on, when it does. */
  provider?: CapacityProvider;
  /** The rules of `MANAGED_RULES` that should fire on this function, sorted. */
  expected: ManagedRuleId[];
}

/** The capacity providers of one account-region: those its functions run on, by ARN. */
export function capacityProvidersOf(functions: Iterable<SimFunction>): CapacityProvider[] {
  const byArn = new Map<string, CapacityProvider>();
  for (const fn of functions) {
    const p = fn.managed?.provider;
    if (p?.CapacityProviderArn !== undefined) byArn.set(p.CapacityProviderArn, p);
  }
  return [...byArn.values()].sort((a, b) => ((a.CapacityProviderArn ?? '') < (b.CapacityProviderArn ?? '') ? -1 : 1));
}

type Reach = 'public' | 'account' | 'private';

function reachOf(fn: SimFunction): Reach {
  const expected = fn.exposure?.expected ?? [];
  if (expected.includes('function-public-access') || expected.includes('function-url-public')) return 'public';
  return expected.includes('function-cross-account-invoke') ? 'account' : 'private';
}

/** Subnet ids (in the simulator's id space) the EC2 simulator puts in the given zones of `region`. */
function subnetsIn(region: string, tag: string, zones: readonly string[]): string[] {
  const out: string[] = [];
  for (const zone of zones)
    for (let i = 0; ; i++) {
      const id = `subnet-0cp${tag}${i.toString(16).padStart(10, '0')}`;
      if (simulatedZone(region, id) === `${region}${zone}` && !out.includes(id)) {
        out.push(id);
        break;
      }
    }
  return out;
}

function makeProvider(
  account: string,
  region: string,
  name: string,
  subnets: string[],
  key: boolean,
): CapacityProvider {
  return {
    CapacityProviderArn: `arn:aws:lambda:${region}:${account}:capacity-provider:${name}`,
    State: 'Active',
    VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [PROVIDER_GROUP] },
    PermissionsConfig: { CapacityProviderOperatorRoleArn: `arn:aws:iam::${account}:role/lambda-capacity-operator` },
    InstanceRequirements: { Architectures: ['x86_64'] },
    CapacityProviderScalingConfig: { ScalingMode: 'Auto' },
    ...(key
      ? { KmsKeyArn: `arn:aws:kms:${region}:${account}:key/0cp0c0de-0000-4000-8000-00000000${name.length}a` }
      : {}),
    LastModified: '2026-11-20T10:00:00.000+0000',
  };
}

/** Moves a few functions of each region onto capacity providers and makes a few durable. */
export function plantManaged(fleet: Fleet, account: string): void {
  let n = 0;
  for (const [region, functions] of fleet) {
    n++;
    // Zip and image functions alike, ordered by name (which ends with the fleet index).
    const all = [...functions.values()].sort((a, b) =>
      (a.configuration.FunctionName ?? '') < (b.configuration.FunctionName ?? '') ? -1 : 1,
    );
    if (all.length < 40) continue; // too few functions to pick from
    const team = (fn: SimFunction): string | undefined => fn.tags.team;
    const privateOf = (t: string) => all.filter((f) => reachOf(f) === 'private' && team(f) === t && !f.managed);
    const teams = [...new Set(all.map(team).filter((t): t is string => t !== undefined))].sort();
    const [teamA = 'payments', teamB = 'orders'] = teams;

    const shared = makeProvider(account, region, `shared-${n}`, subnetsIn(region, `s${n}`, ['a', 'b']), true);
    const singleAz = makeProvider(account, region, `single-az-${n}`, subnetsIn(region, `z${n}`, ['a', 'a']), false);
    const trusted = makeProvider(account, region, `trusted-${n}`, subnetsIn(region, `t${n}`, ['b', 'c']), true);

    // shared: one function reachable from outside (if the region has one) and two private ones of two teams.
    const exposed = all.find((f) => reachOf(f) !== 'private' && f.tags.team !== undefined);
    const onShared = [exposed, privateOf(teamA)[0], privateOf(teamB)[0]].filter((f) => f !== undefined);
    for (const fn of onShared) place(fn, shared);
    for (const fn of privateOf(teamA).slice(0, 2)) place(fn, singleAz);
    for (const fn of privateOf(teamB).slice(0, 2)) place(fn, trusted);

    // Durable functions: every 97th, every other one without a customer managed key.
    all
      .filter((_, i) => i % 97 === 11)
      .forEach((fn, i) => {
        fn.configuration.DurableConfig = {
          ExecutionTimeout: 3600,
          RetentionPeriodInDays: 14,
          ...(i % 2 === 0
            ? {}
            : { KMSKeyArn: `arn:aws:kms:${region}:${account}:key/0d0ab1e0-0000-4000-8000-000000000001` }),
        };
        if (i % 2 === 0) (fn.managed ??= { expected: [] }).expected.push('durable-kms-cmk-missing');
      });
  }
  // What each provider's functions should get.
  for (const functions of fleet.values()) {
    const byProvider = new Map<string, SimFunction[]>();
    for (const fn of functions.values()) {
      const arn = fn.managed?.provider?.CapacityProviderArn;
      if (arn !== undefined) byProvider.set(arn, [...(byProvider.get(arn) ?? []), fn]);
    }
    for (const group of byProvider.values()) {
      const reaches = new Set(group.map(reachOf));
      const teams = new Set(group.map((f) => f.tags.team).filter((t) => t !== undefined));
      const provider = group[0]?.managed?.provider;
      const zones = new Set(
        (provider?.VpcConfig?.SubnetIds ?? []).map((s) =>
          simulatedZone(provider?.CapacityProviderArn?.split(':')[3] ?? '', s),
        ),
      );
      for (const fn of group) {
        const expected = fn.managed?.expected ?? [];
        if (reaches.size > 1 || teams.size > 1) expected.push('capacity-provider-mixed-trust');
        if (provider?.KmsKeyArn === undefined) expected.push('capacity-provider-kms-cmk-missing');
        if (zones.size < 2) expected.push('vpc-single-az');
        expected.sort();
      }
    }
  }
}

function place(fn: SimFunction, provider: CapacityProvider): void {
  delete fn.configuration.VpcConfig;
  fn.configuration.CapacityProviderConfig = {
    LambdaManagedInstancesCapacityProviderConfig: {
      CapacityProviderArn: provider.CapacityProviderArn,
      PerExecutionEnvironmentMaxConcurrency: 16,
      ExecutionEnvironmentMemoryGiBPerVCpu: 2,
    },
  };
  fn.managed = { provider, expected: fn.managed?.expected ?? [] };
}
