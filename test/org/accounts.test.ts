// Which accounts a run covers (pure decisions), and the read-only guard on the discovery clients.
import { CreateAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { DISCOVERY_COMMANDS, guardReadOnly, MutatingCallRefused } from '../../src/crawl/client.js';
import { accountState, roleArn, selectAccounts, type Caller } from '../../src/org/accounts.js';
import { partitionOf } from '../../src/org/regions.js';

const caller: Caller = { account: '111111111111', partition: 'aws', arn: 'arn:aws:iam::111111111111:user/me' };

describe('selectAccounts', () => {
  const organization = [
    { Id: '111111111111', Name: 'management', State: 'ACTIVE' as const },
    { Id: '222222222222', Name: 'prod', State: 'ACTIVE' as const },
    { Id: '333333333333', Name: 'old', State: 'SUSPENDED' as const },
    { Id: '444444444444', Name: 'going', State: 'PENDING_CLOSURE' as const },
    { Id: '555555555555', Name: 'dev', State: 'ACTIVE' as const },
  ];

  it('--org: the active accounts; the others are skipped with their state', () => {
    const s = selectAccounts({ org: true }, caller, organization);
    expect(s.accounts.map((a) => a.id)).toEqual(['111111111111', '222222222222', '555555555555']);
    expect(s.skipped).toEqual([
      { account: '333333333333', name: 'old', reason: 'state SUSPENDED' },
      { account: '444444444444', name: 'going', reason: 'state PENDING_CLOSURE' },
    ]);
  });

  it('filters on State, not on the retired Status', () => {
    const s = selectAccounts({ org: true }, caller, [
      { Id: '222222222222', State: 'CLOSED', Status: 'ACTIVE' },
      { Id: '555555555555', State: 'ACTIVE', Status: 'SUSPENDED' },
    ]);
    expect(s.accounts.map((a) => a.id)).toEqual(['555555555555']);
    expect(accountState({ Id: '1', Status: 'SUSPENDED' })).toBe('SUSPENDED');
  });

  it('--exclude-accounts leaves accounts out, including the caller', () => {
    const s = selectAccounts({ org: true, excludeAccounts: ['111111111111', '555555555555'] }, caller, organization);
    expect(s.accounts.map((a) => a.id)).toEqual(['222222222222']);
    expect(s.skipped.filter((k) => k.reason.startsWith('excluded')).map((k) => k.account)).toEqual([
      '111111111111',
      '555555555555',
    ]);
  });

  it('--accounts names them; without --org or --accounts, the caller alone', () => {
    expect(selectAccounts({ org: false, accounts: ['999999999999'] }, caller, undefined).accounts).toEqual([
      { id: '999999999999' },
    ]);
    expect(selectAccounts({ org: false }, caller, undefined).accounts).toEqual([{ id: '111111111111' }]);
  });
});

describe('roles and partitions', () => {
  it("builds the role ARN in the caller's partition", () => {
    expect(roleArn({ ...caller, partition: 'aws-cn' }, '222222222222', 'audit/LambdaAudit')).toBe(
      'arn:aws-cn:iam::222222222222:role/audit/LambdaAudit',
    );
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('eu-central-2')).toBe('aws');
  });
});

describe('read-only guard on discovery clients', () => {
  it('refuses a mutating Organizations call before it leaves the process', async () => {
    const client = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' },
    });
    guardReadOnly(client.middlewareStack, DISCOVERY_COMMANDS);
    guardReadOnly(client.middlewareStack, DISCOVERY_COMMANDS); // idempotent
    await expect(client.send(new CreateAccountCommand({ AccountName: 'x', Email: 'x@example.com' }))).rejects.toThrow(
      MutatingCallRefused,
    );
    client.destroy();
  });
});
