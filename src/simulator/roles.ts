/**
 * The demo fleet's execution roles: which role each function runs as, the roles and managed
 * policies IAM holds for the account, and which role rules should fire on each function (the
 * ground truth the role rules are tested against, as `exposure.ts` records it for the exposure
 * rules).
 *
 * Planted from named role kinds, so the truth is known without re-implementing the rules:
 * - public functions (anyone may invoke them, or call their URL): a few on an admin role, on two
 *   escalation roles (iam:PassRole on * with lambda:CreateFunction and InvokeFunction; a customer
 *   managed iam:PutRolePolicy whose older, non-default version was admin), on a boundary-capped
 *   admin, on an s3:* role; one on a role shared with a private function; the rest on a scoped role
 *   of their own;
 * - functions another account may invoke: a scoped role of their own;
 * - private functions: the shared role (one), an admin role, a role whose trust policy also trusts
 *   another account, a role in another account (not readable: `other-account`), and the rest on
 *   their team's scoped role.
 * Each role serves one kind of exposure (public, another account, private) except the shared one,
 * so `role-shared` has exactly one true case.
 */
import type { Fleet, SimFunction } from './fleet.js';

/** What a function's execution role is, for the role rules' ground truth. */
export type RoleKind =
  'admin' | 'escalation' | 'boundary-capped' | 'scoped' | 'data-wildcard' | 'trust-other-account' | 'other-account';

/** The role rules whose firing the fleet plants and records. */
export type RoleRuleId =
  'role-admin-access' | 'role-privilege-escalation' | 'role-data-wildcard' | 'role-trust-too-broad' | 'role-shared';

export const ROLE_RULES: readonly RoleRuleId[] = [
  'role-admin-access',
  'role-data-wildcard',
  'role-privilege-escalation',
  'role-shared',
  'role-trust-too-broad',
];

export interface SimRoleTruth {
  readonly arn: string;
  readonly expectedRole: RoleKind;
  /** Role rules that should fire on this function, sorted. */
  readonly expected: RoleRuleId[];
}

/** An IAM policy document before URL encoding, as written. */
export interface SimDocument {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

export interface SimRole {
  readonly name: string;
  readonly arn: string;
  readonly trust: SimDocument;
  readonly inline: readonly { readonly name: string; readonly document: SimDocument }[];
  /** Attached managed policy ARNs. */
  readonly managed: readonly string[];
  readonly boundary?: string;
}

export interface SimManagedPolicy {
  readonly arn: string;
  readonly name: string;
  readonly defaultVersion: string;
  readonly versions: readonly { readonly id: string; readonly document: SimDocument }[];
}

/** One account's IAM as GetAccountAuthorizationDetails serves it. */
export interface SimIam {
  readonly roles: SimRole[];
  readonly policies: SimManagedPolicy[];
}

/** The account a trust policy lets in besides Lambda, and the one holding an "other account" role. */
export const ROLE_PARTNER_ACCOUNT = '210987654321';

const doc = (...statements: Record<string, unknown>[]): SimDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});
const allow = (action: string | string[], resource: string | string[], sid?: string): Record<string, unknown> => ({
  ...(sid === undefined ? {} : { Sid: sid }),
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});
const lambdaTrust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** AWS managed policies the simulated IAM holds (AdministratorAccess attached; the others not, as most of AWS's). */
const awsManaged: SimManagedPolicy[] = [
  {
    arn: ADMINISTRATOR_ACCESS,
    name: 'AdministratorAccess',
    defaultVersion: 'v1',
    versions: [{ id: 'v1', document: doc(allow('*', '*')) }],
  },
  {
    arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    name: 'AWSLambdaBasicExecutionRole',
    defaultVersion: 'v1',
    versions: [
      { id: 'v1', document: doc(allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], '*')) },
    ],
  },
  {
    arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    name: 'AmazonS3ReadOnlyAccess',
    defaultVersion: 'v3',
    versions: [
      {
        id: 'v3',
        document: doc(
          allow(['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'], '*'),
        ),
      },
    ],
  },
];

interface RoleSpec {
  readonly kind: RoleKind;
  /** Builds the role in `account`. */
  readonly role: (account: string) => SimRole;
}

const logsPolicy = (account: string): string => `arn:aws:iam::${account}:policy/lambda-logs`;
const roleArn = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`;
const scoped =
  (name: string, table: string) =>
  (account: string): SimRole => ({
    name,
    arn: roleArn(account, name),
    trust: lambdaTrust,
    inline: [
      {
        name: 'table-read',
        document: doc(allow('dynamodb:GetItem', `arn:aws:dynamodb:*:${account}:table/${table}`, 'ReadOwnTable')),
      },
    ],
    managed: [logsPolicy(account)],
  });

const specs: Record<string, RoleSpec> = {
  'public-admin-exec': {
    kind: 'admin',
    role: (account) => ({
      name: 'public-admin-exec',
      arn: roleArn(account, 'public-admin-exec'),
      trust: lambdaTrust,
      inline: [],
      managed: [ADMINISTRATOR_ACCESS],
    }),
  },
  'batch-admin-exec': {
    kind: 'admin',
    role: (account) => ({
      name: 'batch-admin-exec',
      arn: roleArn(account, 'batch-admin-exec'),
      trust: lambdaTrust,
      inline: [],
      managed: [ADMINISTRATOR_ACCESS, logsPolicy(account)],
    }),
  },
  'public-passrole-exec': {
    kind: 'escalation',
    role: (account) => ({
      name: 'public-passrole-exec',
      arn: roleArn(account, 'public-passrole-exec'),
      trust: lambdaTrust,
      inline: [
        {
          name: 'deployer',
          document: doc(
            allow('iam:PassRole', '*', 'PassAnyRole'),
            allow(['lambda:CreateFunction', 'lambda:InvokeFunction'], '*', 'RunCode'),
          ),
        },
      ],
      managed: [logsPolicy(account)],
    }),
  },
  'public-putrolepolicy-exec': {
    kind: 'escalation',
    role: (account) => ({
      name: 'public-putrolepolicy-exec',
      arn: roleArn(account, 'public-putrolepolicy-exec'),
      trust: lambdaTrust,
      inline: [],
      managed: [`arn:aws:iam::${account}:policy/role-maintenance`, logsPolicy(account)],
    }),
  },
  'public-capped-admin-exec': {
    kind: 'boundary-capped',
    role: (account) => ({
      name: 'public-capped-admin-exec',
      arn: roleArn(account, 'public-capped-admin-exec'),
      trust: lambdaTrust,
      inline: [],
      managed: [ADMINISTRATOR_ACCESS],
      boundary: `arn:aws:iam::${account}:policy/boundary-reports-read`,
    }),
  },
  'public-data-wildcard-exec': {
    kind: 'data-wildcard',
    role: (account) => ({
      name: 'public-data-wildcard-exec',
      arn: roleArn(account, 'public-data-wildcard-exec'),
      trust: lambdaTrust,
      inline: [{ name: 'buckets', document: doc(allow('s3:*', '*', 'AllBuckets')) }],
      managed: [logsPolicy(account)],
    }),
  },
  'deploy-trust-partner-exec': {
    kind: 'trust-other-account',
    role: (account) => ({
      ...scoped('deploy-trust-partner-exec', 'deploy-table')(account),
      trust: doc(
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'PartnerDebug',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ROLE_PARTNER_ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ),
    }),
  },
  'shared-exec': { kind: 'scoped', role: scoped('shared-exec', 'shared-table') },
  'public-web-exec': { kind: 'scoped', role: scoped('public-web-exec', 'web-sessions') },
  'partner-facing-exec': { kind: 'scoped', role: scoped('partner-facing-exec', 'partner-orders') },
};

/** Customer managed policies: the logs policy every scoped role shares, the escalation's, the boundary. */
function customerManaged(account: string): SimManagedPolicy[] {
  return [
    {
      arn: logsPolicy(account),
      name: 'lambda-logs',
      defaultVersion: 'v1',
      versions: [
        {
          id: 'v1',
          document: doc(
            allow(['logs:CreateLogStream', 'logs:PutLogEvents'], `arn:aws:logs:*:${account}:log-group:/aws/lambda/*:*`),
          ),
        },
      ],
    },
    {
      // v1 was admin; v2, the default, was scoped down to PutRolePolicy: only the default counts.
      arn: `arn:aws:iam::${account}:policy/role-maintenance`,
      name: 'role-maintenance',
      defaultVersion: 'v2',
      versions: [
        { id: 'v1', document: doc(allow('*', '*')) },
        { id: 'v2', document: doc(allow('iam:PutRolePolicy', `arn:aws:iam::${account}:role/*`, 'MaintainRoles')) },
      ],
    },
    {
      arn: `arn:aws:iam::${account}:policy/boundary-reports-read`,
      name: 'boundary-reports-read',
      defaultVersion: 'v1',
      versions: [{ id: 'v1', document: doc(allow('s3:GetObject', 'arn:aws:s3:::demo-reports/*', 'ReadReports')) }],
    },
  ];
}

const teamRole = (team: string): string => `${team}-lambda-exec`;

/**
 * Gives each function of one account's fleet its execution role (`configuration.Role`, also on its
 * published versions) and records the truth (`fn.role`). Deterministic: by exposure and index.
 */
export function assignRoles(fleet: Fleet, account: string): void {
  const all = [...fleet.values()].flatMap((m) => [...m.values()]).sort((a, b) => indexOf(a) - indexOf(b));
  const publicSlots = [
    ...Array<string>(4).fill('public-admin-exec'),
    ...Array<string>(3).fill('public-passrole-exec'),
    ...Array<string>(2).fill('public-putrolepolicy-exec'),
    ...Array<string>(2).fill('public-capped-admin-exec'),
    ...Array<string>(2).fill('public-data-wildcard-exec'),
    'shared-exec',
  ];
  const privateSlots = [
    'shared-exec',
    'batch-admin-exec',
    'batch-admin-exec',
    'deploy-trust-partner-exec',
    'deploy-trust-partner-exec',
    'other-account',
  ];
  let publicN = 0;
  let privateN = 0;
  const reach = new Map<string, Set<string>>();
  const kinds = new Map<SimFunction, { arn: string; kind: RoleKind; name: string }>();
  for (const fn of all) {
    const expected = fn.exposure?.expected ?? [];
    const exposure =
      expected.includes('function-public-access') || expected.includes('function-url-public')
        ? 'public'
        : expected.includes('function-cross-account-invoke')
          ? 'account'
          : 'private';
    const team = (fn.configuration.FunctionName ?? 'team').split('-')[0] ?? 'team';
    const slot =
      exposure === 'public'
        ? (publicSlots[publicN++] ?? 'public-web-exec')
        : exposure === 'account'
          ? 'partner-facing-exec'
          : (privateSlots[privateN++] ?? teamRole(team));
    const arn = slot === 'other-account' ? roleArn(ROLE_PARTNER_ACCOUNT, 'shared-lambda-exec') : roleArn(account, slot);
    const kind = slot === 'other-account' ? 'other-account' : (specs[slot]?.kind ?? 'scoped');
    kinds.set(fn, { arn, kind, name: slot });
    reach.set(arn, (reach.get(arn) ?? new Set()).add(exposure));
    fn.configuration.Role = arn;
    for (const v of fn.versions) v.Role = arn;
  }
  for (const [fn, { arn, kind }] of kinds) {
    const rules = new Set<RoleRuleId>(ruleOf[kind] === undefined ? [] : [ruleOf[kind]]);
    if ((reach.get(arn)?.size ?? 0) > 1 && kind !== 'other-account') rules.add('role-shared');
    fn.role = { arn, expectedRole: kind, expected: [...rules].sort() };
  }
}

const ruleOf: Partial<Record<RoleKind, RoleRuleId>> = {
  admin: 'role-admin-access',
  escalation: 'role-privilege-escalation',
  'data-wildcard': 'role-data-wildcard',
  'trust-other-account': 'role-trust-too-broad',
};

function indexOf(fn: SimFunction): number {
  return Number(/(\d+)$/.exec(fn.configuration.FunctionName ?? '')?.[1] ?? 0);
}

export interface SimIamOptions {
  /** More scoped roles, unused by any function (`extra-role-00001`...), to make the read page. @default 0 */
  readonly extraRoles?: number;
}

/**
 * One account's IAM: every planted role, each team's, any other role of this account a function
 * names (scoped), the extra roles; the customer managed policies and a few AWS managed ones.
 */
export function simulatedIam(fleet: Fleet, account: string, options: SimIamOptions = {}): SimIam {
  const roles = new Map<string, SimRole>();
  for (const spec of Object.values(specs)) {
    const role = spec.role(account);
    roles.set(role.arn, role);
  }
  for (const team of ['payments', 'orders', 'search', 'identity', 'media', 'billing', 'growth', 'platform']) {
    const role = scoped(teamRole(team), `${team}-table`)(account);
    roles.set(role.arn, role);
  }
  for (const functions of fleet.values())
    for (const fn of functions.values()) {
      const arn = fn.configuration.Role ?? '';
      const name = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
      if (name?.[1] === account && !roles.has(arn))
        roles.set(arn, { ...scoped(name[2] ?? 'role', 'table')(account), arn });
    }
  for (let i = 0; i < (options.extraRoles ?? 0); i++) {
    const role = scoped(`extra-role-${String(i).padStart(5, '0')}`, `extra-${i}`)(account);
    roles.set(role.arn, role);
  }
  return { roles: [...roles.values()], policies: [...customerManaged(account), ...awsManaged] };
}
