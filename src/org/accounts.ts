/**
 * Which accounts a run covers: the organisation's (Organizations ListAccounts), a named list, or
 * the caller's own; minus the excluded ones. Discovery runs before the crawl; it never writes.
 */
import { OrganizationsClient, paginateListAccounts, type Account } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DISCOVERY_COMMANDS, guardReadOnly } from '../crawl/client.js';
import { errorInfo } from '../crawl/retry.js';
import { AuditError } from '../errors.js';
import type { ErrorInfo } from '../snapshot/types.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface Caller {
  readonly account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, ...: role ARNs are built in the caller's partition. */
  readonly partition: string;
  readonly arn: string;
}

/** An account left out of the crawl, and why (suspended, closed, excluded). Reported, never silent. */
export interface SkippedAccount {
  readonly account: string;
  readonly name?: string;
  readonly reason: string;
}

export interface AccountSelection {
  readonly accounts: readonly { readonly id: string; readonly name?: string }[];
  readonly skipped: readonly SkippedAccount[];
}

export interface SelectionFlags {
  readonly org: boolean;
  readonly accounts?: readonly string[];
  readonly excludeAccounts?: readonly string[];
}

export interface DiscoveryClientOptions {
  readonly region: string;
  readonly credentials?: Credentials;
  readonly profile?: string;
}

function clientConfig(options: DiscoveryClientOptions) {
  return {
    region: options.region,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  };
}

/** STS GetCallerIdentity: whose credentials these are. */
export async function callerIdentity(options: DiscoveryClientOptions): Promise<Caller> {
  const sts = new STSClient(clientConfig(options));
  guardReadOnly(sts.middlewareStack, DISCOVERY_COMMANDS);
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const arn = identity.Arn ?? '';
    return { account: identity.Account ?? 'unknown', partition: arn.split(':')[1] || 'aws', arn };
  } catch (error) {
    throw new AuditError(
      'E_CREDENTIALS',
      `cannot tell whose credentials these are (STS GetCallerIdentity): ${errorInfo(error, 1).message}. Set AWS_PROFILE (or --profile), run "aws sso login", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      { cause: error },
    );
  } finally {
    sts.destroy();
  }
}

/**
 * The organisation's accounts, every page. Filters on `State` (the `Status` field was retired in
 * September 2026); an answer without `State` falls back to `Status`.
 */
export async function listOrganizationAccounts(options: DiscoveryClientOptions): Promise<Account[]> {
  const client = new OrganizationsClient(clientConfig(options));
  guardReadOnly(client.middlewareStack, DISCOVERY_COMMANDS);
  const accounts: Account[] = [];
  try {
    for await (const page of paginateListAccounts({ client }, {})) accounts.push(...(page.Accounts ?? []));
  } catch (error) {
    const info: ErrorInfo = errorInfo(error, 1);
    throw new AuditError(
      'E_CONFIG',
      `--org: cannot list the organisation's accounts (Organizations ListAccounts): ${info.code}: ${info.message}. Run from the management account or a delegated administrator, with organizations:ListAccounts (docs/organizations.md), or name the accounts with --accounts`,
      { cause: error },
    );
  } finally {
    client.destroy();
  }
  return accounts;
}

/** Account state as the API says it: `State`, else the retired `Status`. */
export function accountState(account: Account): string {
  const legacy = (account as { Status?: string }).Status;
  return account.State ?? legacy ?? 'UNKNOWN';
}

/** Pure: the accounts to crawl from what was listed or named, and the ones left out with their reason. */
export function selectAccounts(
  flags: SelectionFlags,
  caller: Caller,
  organization: readonly Account[] | undefined,
): AccountSelection {
  const excluded = new Set(flags.excludeAccounts ?? []);
  const skipped: SkippedAccount[] = [];
  const chosen: { id: string; name?: string }[] = [];
  const seen = new Set<string>();
  const consider = (id: string, name?: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    if (excluded.has(id))
      skipped.push({ account: id, ...(name ? { name } : {}), reason: 'excluded (--exclude-accounts)' });
    else chosen.push({ id, ...(name ? { name } : {}) });
  };
  if (organization) {
    for (const account of organization) {
      if (!account.Id) continue;
      const state = accountState(account);
      if (state !== 'ACTIVE') {
        seen.add(account.Id);
        skipped.push({
          account: account.Id,
          ...(account.Name ? { name: account.Name } : {}),
          reason: `state ${state}`,
        });
      } else consider(account.Id, account.Name);
    }
  }
  for (const id of flags.accounts ?? []) consider(id);
  if (!flags.org && flags.accounts === undefined) consider(caller.account);
  chosen.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  skipped.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return { accounts: chosen, skipped };
}

/** `arn:<partition>:iam::<account>:role/<name>`; a name may carry a path (`audit/LambdaAudit`). */
export function roleArn(caller: Caller, account: string, roleName: string): string {
  return `arn:${caller.partition}:iam::${account}:role/${roleName.replace(/^\/+/, '')}`;
}
