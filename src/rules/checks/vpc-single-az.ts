/**
 * VPC functions whose subnets all sit in one Availability Zone (Security Hub Lambda.5): when that
 * zone fails, so does the function. One subnet is one zone, known without a lookup; for two or
 * more, the zones come from EC2 DescribeSubnets (`subnetAvailabilityZones`). When they could not be
 * resolved (denied, failed, not in the input) and the known ones do not already span two zones, the
 * function is not judged.
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
      const list = unknownPartFor(record, 'configuration.VpcConfig.SubnetIds', { shapeOnly: true });
      if (list) return new NotJudged(list);
      const subnets = record.configuration.VpcConfig?.SubnetIds ?? [];
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
      };
    };
  },
};

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
