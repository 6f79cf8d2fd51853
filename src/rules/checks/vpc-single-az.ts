/**
 * VPC functions whose subnets all sit in one Availability Zone (Security Hub Lambda.5): when that
 * zone fails, so does the function. One subnet is one zone, known without a lookup; for two or
 * more, the zones come from EC2 DescribeSubnets (`subnetAvailabilityZones`). When they could not be
 * resolved (denied, failed, not in the input) and the known ones do not already span two zones, the
 * function is not judged.
 *
 * A function on a Lambda Managed Instances capacity provider has no VpcConfig of its own: it runs
 * in the provider's VPC, so the provider's subnets are judged (their zones are looked up the same
 * way); when the provider could not be read (`capacityProvider` unknown) it is not judged.
 */
import type { FunctionRecord, UnknownPart } from '../../snapshot/types.js';
import { NotJudged, type Check } from '../types.js';
import { unknownPartFor } from '../unknown.js';

export interface VpcSingleAzOptions {
  /** Fewer distinct zones than this fires. @default 2 */
  readonly minZones: number;
}

/** Sources where the zones are never looked up: offline input and infrastructure as code. */
const OFFLINE = new Set<FunctionRecord['source']>(['input', 'template', 'plan']);

export const vpcSingleAz: Check<VpcSingleAzOptions> = {
  meta: {
    id: 'vpc-single-az',
    description: 'VPC functions whose subnets are all in fewer Availability Zones than required.',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { minZones: { type: 'integer', minimum: 2 } },
    },
    defaults: { minZones: 2 },
    vars: ['zones', 'subnets', 'subnetCount'],
    // Unknown subnet ids (infrastructure as code) still count: only an unknown list is not judged.
    reads: [],
  },
  create(options) {
    return (record) => {
      const network = networkOf(record);
      if (!Array.isArray(network)) return new NotJudged(network);
      const [subnets, provider] = network;
      if (subnets.length === 0) return undefined; // not in a VPC: vpc-missing's business
      const known = record.subnetAvailabilityZones ?? {};
      const zones = [...new Set(subnets.map((s) => known[s]).filter((z) => z !== undefined))].sort();
      if (zones.length >= options.minZones) return undefined;
      const unresolved = subnets.filter((s) => known[s] === undefined);
      // One subnet is one zone, whatever EC2 says; more than that needs every subnet's zone.
      if (subnets.length > 1 && unresolved.length > 0) return new NotJudged(whyUnknown(record, unresolved));
      return {
        zones: zones.join(', ') || 'one zone',
        subnets: [...subnets].sort().join(', '),
        subnetCount: subnets.length,
        // The message names the VPC by this path; a function on a provider has none of its own.
        ...(provider === undefined ? {} : { 'configuration.VpcConfig.VpcId': `capacity provider ${provider}'s VPC` }),
      };
    };
  },
};

/**
 * The subnets the function runs in, and the capacity provider's name when they are its provider's;
 * or why they are not known.
 */
function networkOf(record: FunctionRecord): [readonly string[], string?] | UnknownPart {
  const providerArn = capacityProviderArnOf(record);
  if (providerArn === undefined) {
    const list = unknownPartFor(record, 'configuration.VpcConfig.SubnetIds', { shapeOnly: true });
    return list ?? [record.configuration.VpcConfig?.SubnetIds ?? []];
  }
  const part = unknownPartFor(record, 'capacityProvider.VpcConfig.SubnetIds', { shapeOnly: true });
  if (part) return part;
  // A provider the record does not hold is an unknown part (unknownPartFor above says so).
  return [record.capacityProvider?.VpcConfig?.SubnetIds ?? [], providerArn.split(':').pop() ?? providerArn];
}

/** The capacity provider a Lambda Managed Instances function runs on (`CapacityProviderConfig`). */
export function capacityProviderArnOf(record: FunctionRecord): string | undefined {
  return record.configuration.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn;
}

function whyUnknown(record: FunctionRecord, unresolved: readonly string[]): UnknownPart {
  const part = record.unknown?.find((p) => p.path === 'subnetAvailabilityZones');
  if (part) return part;
  if (record.subnetAvailabilityZones)
    return {
      path: 'subnetAvailabilityZones',
      reason: 'failed',
      detail: `not found by DescribeSubnets: ${unresolved.join(', ')}`,
    };
  return OFFLINE.has(record.source)
    ? { path: 'subnetAvailabilityZones', reason: 'not-in-input', detail: 'subnet zones need ec2:DescribeSubnets' }
    : { path: 'subnetAvailabilityZones', reason: 'skipped', detail: 'not looked up' };
}
