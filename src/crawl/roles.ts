/**
 * Execution roles, read in bulk: IAM GetAccountAuthorizationDetails (read-only), once per account
 * per run, never per function. 1,000 functions on one role cost nothing more than one: the role and
 * its policies are stored once in the account's `AccountIam`, and functions name it by ARN
 * (`configuration.Role`).
 *
 * - Filters `Role`, `LocalManagedPolicy`, `AWSManagedPolicy`; pages of up to 1,000 items (roles and
 *   policies counted together), followed by `Marker` while `IsTruncated`.
 * - IAM is global: one lane per account, whatever the number of regions crawled in it. AWS publishes
 *   no request rate for IAM's read APIs (token buckets whose size "depends on the API"), so the lane
 *   paces at `IAM_READ_RATE` and adapts on `Throttling` like every other lane (docs/iam.md).
 * - Documents arrive URL-encoded JSON (RFC 3986): decoded, then normalised like every other policy
 *   (`normalisePolicy`). A managed policy keeps only its default version.
 * - Every role of the account is kept (a role may be given to a function later); managed policies
 *   only where a role names them (attached or as boundary): AWS may return every AWS managed policy
 *   (moto does, with its 1,000+ documents) or only those in use, and the snapshot is the same either way.
 * - Not fatal: a refused read (AccessDenied) or one that fails after retries leaves an unknown
 *   part on the account (`path: "iam"`, reason `denied` or `failed`); the role rules then do not
 *   judge its functions, and the run is incomplete (exit 3). Nothing half-read is kept.
 */
import type {
  GetAccountAuthorizationDetailsCommandOutput,
  IAMClient,
  ManagedPolicyDetail,
  RoleDetail,
} from '@aws-sdk/client-iam';
import { MalformedPolicyError, normalisePolicy } from '../snapshot/policy.js';
import type { AccountIam, IamManagedPolicy, IamRole, PolicyDocument, UnknownPart } from '../snapshot/types.js';
import { withSignal } from './client.js';
import { loadIamSdk } from './sdk.js';
import { QuotaLane, type LaneOptions } from './lane.js';
import { errorInfo } from './retry.js';

/**
 * GetAccountAuthorizationDetails requests per second per account. AWS documents no number for it;
 * it is IAM's heaviest read (a whole account per page), and a scan needs one to a few pages per
 * account, so 1/s costs a scan nothing and leaves IAM's buckets to the account's own tooling.
 */
export const IAM_READ_RATE = 1;
/** Items per page: IAM's maximum. */
export const IAM_PAGE_SIZE = 1000;
/** The entity types read: roles and the managed policies they may name. */
export const IAM_FILTER = ['Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

export interface RoleReadOptions extends Omit<LaneOptions, 'ratePerSecond' | 'concurrency'> {
  /** Builds the IAM client; called once, when the read starts. */
  readonly client: () => Promise<IAMClient>;
  readonly signal: AbortSignal;
  /** Caps the lane's rate (`--max-rps`). */
  readonly maxRps?: number;
  /** @default IAM_READ_RATE */
  readonly ratePerSecond?: number;
}

/** One account's read: its roles and policies, or why they are unknown; and what it cost. */
export interface RoleRead {
  /** The account the read's ARNs name; absent when it returned none (or failed). */
  readonly account?: string;
  readonly roles: Readonly<Record<string, IamRole>>;
  readonly policies: Readonly<Record<string, IamManagedPolicy>>;
  readonly unknown?: UnknownPart;
  readonly pages: number;
  readonly requests: number;
  readonly throttled: number;
  readonly retries: number;
}

type Page = Pick<GetAccountAuthorizationDetailsCommandOutput, 'RoleDetailList' | 'Policies' | 'IsTruncated' | 'Marker'>;

/** Reads one account's roles and managed policies (all pages). Rejects only when `signal` aborts. */
export async function readRoles(options: RoleReadOptions): Promise<RoleRead> {
  const lane = new QuotaLane({
    ...options,
    ratePerSecond: Math.min(options.ratePerSecond ?? IAM_READ_RATE, options.maxRps ?? Infinity),
    // Pages follow one another (each needs the last one's Marker).
    concurrency: 1,
  });
  const client = await options.client();
  const { GetAccountAuthorizationDetailsCommand } = loadIamSdk(); // loaded by `client()` already (`sdk.ts`)
  const roles: RoleDetail[] = [];
  const policies: ManagedPolicyDetail[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const next = marker;
    const res = await lane.call(
      (s) =>
        client.send(
          withSignal(
            new GetAccountAuthorizationDetailsCommand({
              Filter: [...IAM_FILTER],
              MaxItems: IAM_PAGE_SIZE,
              ...(next === undefined ? {} : { Marker: next }),
            }),
            s,
          ),
        ) as Promise<Page>,
      options.signal,
    );
    if (!res.ok) {
      const error = errorInfo(res.error, res.attempts);
      return {
        roles: {},
        policies: {},
        unknown: { path: 'iam', reason: res.kind === 'denied' ? 'denied' : 'failed', detail: error.code },
        pages,
        ...lane.stats,
      };
    }
    pages++;
    roles.push(...(res.value.RoleDetailList ?? []));
    policies.push(...(res.value.Policies ?? []));
    marker = res.value.IsTruncated === true ? res.value.Marker : undefined;
  } while (marker);
  return { ...parseDetails(roles, policies), pages, ...lane.stats };
}

/** The read as the snapshot stores it, under `account` (the read's own, or the crawl's when it named none). */
export function accountIam(read: RoleRead, account: string): AccountIam {
  return {
    account,
    roles: read.roles,
    policies: read.policies,
    ...(read.unknown === undefined ? {} : { unknown: read.unknown }),
  };
}

/** An account whose roles were not read by choice (`--no-roles`). */
export function skippedIam(account: string): AccountIam {
  return { account, roles: {}, policies: {}, unknown: { path: 'iam', reason: 'skipped', detail: '--no-roles' } };
}

/** GetAccountAuthorizationDetails' lists in the snapshot's shape: every role; the managed policies roles name. */
export function parseDetails(
  roleDetails: readonly RoleDetail[],
  policyDetails: readonly ManagedPolicyDetail[],
): Pick<RoleRead, 'account' | 'roles' | 'policies'> {
  const roles: [string, IamRole][] = [];
  const named = new Set<string>();
  let account: string | undefined;
  for (const detail of roleDetails) {
    const role = parseRole(detail);
    if (role === undefined) continue;
    account ??= /^arn:[^:]+:iam::(\d{12}):/.exec(role.arn)?.[1];
    for (const arn of role.managedPolicies) named.add(arn);
    if (role.permissionsBoundary !== undefined) named.add(role.permissionsBoundary);
    roles.push([role.arn, role]);
  }
  const policies: [string, IamManagedPolicy][] = [];
  const seen = new Set<string>();
  for (const detail of policyDetails) {
    if (detail.Arn === undefined || !named.has(detail.Arn) || seen.has(detail.Arn)) continue;
    const policy = parseManagedPolicy(detail);
    if (policy === undefined) continue; // no readable default version: unknown, as if missing
    seen.add(policy.arn);
    policies.push([policy.arn, policy]);
  }
  return {
    ...(account === undefined ? {} : { account }),
    roles: Object.fromEntries(roles.sort(byKey)),
    policies: Object.fromEntries(policies.sort(byKey)),
  };
}

function parseRole(detail: RoleDetail): IamRole | undefined {
  if (detail.Arn === undefined) return undefined;
  const unknown: UnknownPart[] = [];
  const trust = parseDocument(detail.AssumeRolePolicyDocument);
  if (trust === undefined) unknown.push({ path: 'trustPolicy', reason: 'failed', detail: 'MalformedPolicyDocument' });
  const inlinePolicies: { name: string; document: PolicyDocument }[] = [];
  for (const p of detail.RolePolicyList ?? []) {
    const document = parseDocument(p.PolicyDocument);
    if (document === undefined) {
      unknown.push({
        path: 'inlinePolicies',
        reason: 'failed',
        detail: `MalformedPolicyDocument: ${p.PolicyName ?? '?'}`,
      });
      continue;
    }
    inlinePolicies.push({ name: p.PolicyName ?? '', document });
  }
  const managedPolicies = [
    ...new Set((detail.AttachedManagedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []))),
  ].sort();
  const boundary = detail.PermissionsBoundary?.PermissionsBoundaryArn;
  return {
    arn: detail.Arn,
    name: detail.RoleName ?? detail.Arn.slice(detail.Arn.lastIndexOf('/') + 1),
    trustPolicy: trust ?? { Statement: [] },
    inlinePolicies: inlinePolicies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    managedPolicies,
    ...(boundary === undefined ? {} : { permissionsBoundary: boundary }),
    ...(unknown.length === 0 ? {} : { unknown }),
  };
}

function parseManagedPolicy(detail: ManagedPolicyDetail): IamManagedPolicy | undefined {
  const versions = detail.PolicyVersionList ?? [];
  const version =
    versions.find((v) => v.IsDefaultVersion === true) ??
    versions.find((v) => v.VersionId !== undefined && v.VersionId === detail.DefaultVersionId);
  const document = parseDocument(version?.Document);
  if (detail.Arn === undefined || document === undefined) return undefined;
  const versionId = version?.VersionId ?? detail.DefaultVersionId;
  return {
    arn: detail.Arn,
    name: detail.PolicyName ?? detail.Arn.slice(detail.Arn.lastIndexOf('/') + 1),
    ...(versionId === undefined ? {} : { version: versionId }),
    document,
  };
}

/**
 * A policy document as IAM returns it: URL-encoded JSON (`%7B%22Version%22...`). Some emulators send
 * it as plain JSON; a document that starts with `{` is taken as such (an encoded one starts `%7B`).
 * Undefined when absent or not a policy.
 */
export function parseDocument(raw: string | undefined): PolicyDocument | undefined {
  if (raw === undefined || raw === '') return undefined;
  let text = raw;
  if (!raw.trimStart().startsWith('{')) {
    try {
      text = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  try {
    return normalisePolicy(text);
  } catch (error) {
    if (error instanceof MalformedPolicyError) return undefined;
    throw error;
  }
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);
