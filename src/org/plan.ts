/**
 * The plan of an organisation run: for each account, the credentials to crawl it with (the caller's
 * own for its own account, else the audit role assumed from the caller's credentials) and its
 * regions (`--regions all`: the ones enabled there). A fault in one account (AssumeRole denied,
 * regions not readable) is recorded for that account and the others go on.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { DISCOVERY_COMMANDS, readOnlyPlugin } from '../crawl/client.js';
import { errorInfo } from '../crawl/retry.js';
import { AuditError } from '../errors.js';
import type { ErrorInfo } from '../snapshot/types.js';
import {
  callerIdentity,
  listOrganizationAccounts,
  roleArn,
  selectAccounts,
  type Caller,
  type Credentials,
  type SelectionFlags,
  type SkippedAccount,
} from './accounts.js';
import { enabledRegions } from './regions.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface OrgFlags extends SelectionFlags {
  readonly roleName?: string;
  readonly externalId?: string;
  /** A list, or `all` for the regions enabled in each account. */
  readonly regions: readonly string[] | 'all';
  /** Where global calls (STS, Organizations, Account) go. */
  readonly homeRegion: string;
  readonly profile?: string;
}

export interface AccountWork {
  readonly account: string;
  readonly name?: string;
  /** Undefined: the caller's own credentials (its profile or the default chain). */
  readonly credentials?: Credentials;
  readonly regions: readonly string[];
  /** Why nothing in this account could be crawled (its regions, when named, are each recorded with it). */
  readonly error?: ErrorInfo;
}

export interface OrgPlan {
  readonly caller: Caller;
  readonly work: readonly AccountWork[];
  readonly skipped: readonly SkippedAccount[];
  /** Opt-in regions not enabled, with the accounts where they are not: said once, not errors. */
  readonly disabledRegions: ReadonlyMap<string, readonly string[]>;
}

/** Role sessions say who opened them (CloudTrail shows it). */
export const ROLE_SESSION_NAME = 'lambda-audit';

/** Account discovery and role checks, at most this many accounts at once (cheap calls; STS has its own quota). */
const PLAN_PARALLEL = 8;

export async function planOrganization(flags: OrgFlags): Promise<OrgPlan> {
  const base = { region: flags.homeRegion, ...(flags.profile === undefined ? {} : { profile: flags.profile }) };
  const caller = await callerIdentity(base);
  const organization = flags.org ? await listOrganizationAccounts(base) : undefined;
  const selection = selectAccounts(flags, caller, organization);
  if (flags.roleName === undefined && selection.accounts.some((a) => a.id !== caller.account))
    throw new AuditError(
      'E_USAGE',
      `${flags.org ? '--org' : '--accounts'} reaches accounts other than the caller's (${caller.account}): pass --role-name NAME, the audit role to assume in each (docs/organizations.md)`,
    );
  const work: AccountWork[] = new Array<AccountWork>(selection.accounts.length);
  const disabled = new Map<string, string[]>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < selection.accounts.length; i = next++) {
      const { id, name } = selection.accounts[i]!;
      const w = await planAccount(flags, caller, id);
      for (const region of w.disabled) disabled.set(region, [...(disabled.get(region) ?? []), id]);
      work[i] = { ...w.work, ...(name ? { name } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_PARALLEL, selection.accounts.length) }, worker));
  return { caller, work, skipped: selection.skipped, disabledRegions: disabled };
}

async function planAccount(
  flags: OrgFlags,
  caller: Caller,
  account: string,
): Promise<{ work: AccountWork; disabled: readonly string[] }> {
  // The caller's own account is crawled with the caller's own credentials; every other one through the role.
  const credentials = account === caller.account ? undefined : assumeRole(flags, caller, account);
  let identity: AwsCredentialIdentity | undefined;
  if (credentials !== undefined) {
    try {
      identity = await credentials();
    } catch (error) {
      // With regions named, each is recorded as not crawled; with `all`, one entry `all`.
      const regions = flags.regions === 'all' ? [] : flags.regions;
      return { work: { account, regions, error: { ...errorInfo(error, 1), code: assumeCode(error) } }, disabled: [] };
    }
  }
  const creds = credentials === undefined ? {} : { credentials };
  if (flags.regions !== 'all') return { work: { account, ...creds, regions: flags.regions }, disabled: [] };
  try {
    const found = await enabledRegions(
      {
        region: flags.homeRegion,
        ...(identity !== undefined
          ? { credentials: identity }
          : flags.profile !== undefined
            ? { profile: flags.profile }
            : {}),
      },
      caller.partition,
    );
    return { work: { account, ...creds, regions: found.enabled }, disabled: found.disabled };
  } catch (error) {
    return { work: { account, ...creds, regions: [], error: errorInfo(error, 1) }, disabled: [] };
  }
}

/**
 * The audit role in `account`, assumed from the caller's credentials by the SDK's provider. Each
 * client memoizes what the provider returns and asks again 5 minutes before the session expires,
 * so a crawl longer than the session keeps going.
 */
function assumeRole(flags: OrgFlags, caller: Caller, account: string): AwsCredentialIdentityProvider {
  return fromTemporaryCredentials({
    params: {
      RoleArn: roleArn(caller, account, flags.roleName!),
      RoleSessionName: ROLE_SESSION_NAME,
      DurationSeconds: 3600,
      ...(flags.externalId === undefined ? {} : { ExternalId: flags.externalId }),
    },
    clientConfig: { region: flags.homeRegion, ...(flags.profile === undefined ? {} : { profile: flags.profile }) },
    clientPlugins: [readOnlyPlugin(DISCOVERY_COMMANDS)],
  });
}

/** AssumeRole's own code (AccessDenied), kept as `AssumeRoleDenied` so reports say what failed. */
function assumeCode(error: unknown): string {
  const name = (error as { name?: string }).name ?? 'Error';
  return name === 'AccessDenied' || name === 'AccessDeniedException' ? 'AssumeRoleDenied' : `AssumeRole:${name}`;
}
