/**
 * `--regions all`: the regions enabled in one account. Account ListRegions says which opt-in
 * regions are enabled or not; when it is not allowed (or not implemented, as in some emulators)
 * EC2 DescribeRegions without AllRegions lists the enabled ones.
 */
import { AccountClient, paginateListRegions } from '@aws-sdk/client-account';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DISCOVERY_COMMANDS, guardReadOnly } from '../crawl/client.js';
import type { DiscoveryClientOptions } from './accounts.js';

export interface EnabledRegions {
  readonly enabled: readonly string[];
  /** Opt-in regions not enabled in this account (known only through Account ListRegions). */
  readonly disabled: readonly string[];
  readonly via: 'account:ListRegions' | 'ec2:DescribeRegions';
}

/** The partition a region belongs to: credentials of one partition reach no region of another. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** The enabled regions of one account, in `partition` (the caller's). */
export async function enabledRegions(options: DiscoveryClientOptions, partition: string): Promise<EnabledRegions> {
  const inPartition = (r: string): boolean => partitionOf(r) === partition;
  const config = {
    region: options.region,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  };
  const account = new AccountClient(config);
  guardReadOnly(account.middlewareStack, DISCOVERY_COMMANDS);
  try {
    const enabled: string[] = [];
    const disabled: string[] = [];
    for await (const page of paginateListRegions({ client: account }, {})) {
      for (const r of page.Regions ?? []) {
        if (!r.RegionName) continue;
        if (r.RegionOptStatus === 'ENABLED' || r.RegionOptStatus === 'ENABLED_BY_DEFAULT') enabled.push(r.RegionName);
        else disabled.push(r.RegionName);
      }
    }
    if (enabled.length > 0)
      return {
        enabled: enabled.filter(inPartition).sort(),
        disabled: disabled.filter(inPartition).sort(),
        via: 'account:ListRegions',
      };
  } catch {
    // Not allowed or not implemented: EC2 below. When that fails too, its error is the account's.
  } finally {
    account.destroy();
  }
  const ec2 = new EC2Client(config);
  guardReadOnly(ec2.middlewareStack, DISCOVERY_COMMANDS);
  try {
    const answer = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    const enabled = (answer.Regions ?? [])
      .filter((r) => r.OptInStatus !== 'not-opted-in')
      .flatMap((r) => (r.RegionName && inPartition(r.RegionName) ? [r.RegionName] : []))
      .sort();
    return { enabled, disabled: [], via: 'ec2:DescribeRegions' };
  } finally {
    ec2.destroy();
  }
}
