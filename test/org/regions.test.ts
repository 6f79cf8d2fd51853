// --regions all: which regions count as enabled in an account (decisions, with a mocked SDK).
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { enabledRegions } from '../../src/org/regions.js';

const account = mockClient(AccountClient);
const ec2 = mockClient(EC2Client);
const options = { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } };

afterEach(() => {
  account.reset();
  ec2.reset();
});

describe('enabledRegions', () => {
  it('Account ListRegions: enabled and enabled-by-default, every page; opt-in regions not enabled are named', async () => {
    account
      .on(ListRegionsCommand)
      .resolvesOnce({
        Regions: [
          { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'me-south-1', RegionOptStatus: 'DISABLED' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Regions: [
          { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
          { RegionName: 'ap-east-1', RegionOptStatus: 'DISABLING' },
        ],
      });
    expect(await enabledRegions(options, 'aws')).toEqual({
      enabled: ['af-south-1', 'us-east-1'],
      disabled: ['ap-east-1', 'me-south-1'],
      via: 'account:ListRegions',
    });
    expect(ec2.calls()).toHaveLength(0);
  });

  it('falls back to EC2 DescribeRegions when ListRegions is denied, in the caller partition only', async () => {
    account.on(ListRegionsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'cn-north-1' },
        { RegionName: 'ap-southeast-2', OptInStatus: 'opted-in' },
      ],
    });
    expect(await enabledRegions(options, 'aws')).toEqual({
      enabled: ['ap-southeast-2', 'eu-west-1'],
      disabled: [],
      via: 'ec2:DescribeRegions',
    });
    expect(ec2.commandCalls(DescribeRegionsCommand)[0]!.args[0].input).toEqual({ AllRegions: false });
  });

  it('when neither can be read, the error is the account’s', async () => {
    account.on(ListRegionsCommand).rejects(new Error('denied'));
    ec2
      .on(DescribeRegionsCommand)
      .rejects(Object.assign(new Error('UnauthorizedOperation'), { name: 'UnauthorizedOperation' }));
    await expect(enabledRegions(options, 'aws')).rejects.toThrow('UnauthorizedOperation');
  });
});
