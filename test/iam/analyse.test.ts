/**
 * analyseRole over real AWS managed policies (test/fixtures/iam, from moto's copy of AWS's data)
 * and hand-written policies, one table per question: admin, escalation methods, data wildcards,
 * trust audiences, unknown parts, and the permissions digest.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseRole, ESCALATION_METHODS, type RoleAnalysis, type RoleFacts } from '../../src/iam/index.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';
import type { IamManagedPolicy, IamRole, UnknownPart } from '../../src/snapshot/types.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
type Raw = Record<string, unknown>;

function fixture(name: string): IamManagedPolicy {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/iam/${name}.json`, import.meta.url), 'utf8')) as {
    arn: string;
    name: string;
    version: string;
    document: unknown;
  };
  return { arn: raw.arn, name: raw.name, version: raw.version, document: normalisePolicy(raw.document) };
}

const ADMIN = fixture('AdministratorAccess');
const POWER_USER = fixture('PowerUserAccess');
const IAM_FULL = fixture('IAMFullAccess');
const BASIC = fixture('AWSLambdaBasicExecutionRole');
const S3_READ = fixture('AmazonS3ReadOnlyAccess');
const DYNAMO_READ = fixture('AmazonDynamoDBReadOnlyAccess');
const LAMBDA_ROLE = fixture('AWSLambdaRole');
const FIXTURES = [ADMIN, POWER_USER, IAM_FULL, BASIC, S3_READ, DYNAMO_READ, LAMBDA_ROLE];

const LAMBDA_TRUST = {
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

interface RoleSpec {
  readonly inline?: readonly Raw[];
  readonly managed?: readonly IamManagedPolicy[];
  readonly boundary?: IamManagedPolicy;
  readonly trust?: Raw;
  readonly unknown?: readonly UnknownPart[];
}

function customer(name: string, ...Statement: Raw[]): IamManagedPolicy {
  return { arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`, name, document: normalisePolicy({ Statement }) };
}

function analyse(spec: RoleSpec, extra: readonly IamManagedPolicy[] = []): RoleAnalysis {
  const role: IamRole = {
    arn: `arn:aws:iam::${ACCOUNT}:role/fn-role`,
    name: 'fn-role',
    trustPolicy: normalisePolicy(spec.trust ?? LAMBDA_TRUST),
    inlinePolicies: (spec.inline ?? []).map((doc, i) => ({ name: `p${i + 1}`, document: normalisePolicy(doc) })),
    managedPolicies: (spec.managed ?? []).map((p) => p.arn),
    ...(spec.boundary ? { permissionsBoundary: spec.boundary.arn } : {}),
    ...(spec.unknown ? { unknown: spec.unknown } : {}),
  };
  const known = new Map(
    [...FIXTURES, ...(spec.managed ?? []), ...(spec.boundary ? [spec.boundary] : []), ...extra].map((p) => [p.arn, p]),
  );
  return analyseRole(role, (arn) => known.get(arn), ACCOUNT);
}

function facts(spec: RoleSpec): RoleFacts {
  const a = analyse(spec);
  if ('unknown' in a) throw new Error(`unexpected unknown: ${JSON.stringify(a.unknown)}`);
  return a;
}

const allow = (action: string | string[], resource: string | string[] = '*', extra: Raw = {}): Raw => ({
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }],
});
const methods = (f: RoleFacts): string[] => f.escalations.map((e) => e.method);
const byKind = (kind: string): string[] => ESCALATION_METHODS.filter((m) => m.kind === kind).map((m) => m.id);

describe('analyseRole: admin', () => {
  it('AdministratorAccess is admin, and admin lists no escalations or data wildcards', () => {
    const f = facts({ managed: [ADMIN] });
    expect(f.admin).toEqual({ conditional: false, by: { policy: ADMIN.arn, statement: '#1' } });
    expect(f.escalations).toEqual([]);
    expect(f.dataWildcards).toEqual([]);
  });

  it.each([
    ['Action *:*', allow('*:*')],
    ['NotAction [] (excludes nothing)', { Statement: [{ Effect: 'Allow', NotAction: [], Resource: '*' }] }],
    ['NotResource [] (excludes nothing)', { Statement: [{ Effect: 'Allow', Action: '*', NotResource: [] }] }],
  ])('%s is admin', (_, doc) => {
    expect(facts({ inline: [doc] }).admin?.conditional).toBe(false);
  });

  it('a conditional Allow * is conditional admin', () => {
    const f = facts({ inline: [allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] });
    expect(f.admin).toEqual({ conditional: true, by: { policy: 'inline:p1', statement: '#1' } });
  });

  it.each([
    ['PowerUserAccess (NotAction iam:*)', { managed: [POWER_USER] }],
    ['IAMFullAccess', { managed: [IAM_FULL] }],
    ['Allow * on one bucket', { inline: [allow('*', 'arn:aws:s3:::bucket/*')] }],
    ['Allow s3:* on *', { inline: [allow('s3:*')] }],
    [
      'Allow * NotResource one bucket',
      { inline: [{ Statement: [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::b' }] }] },
    ],
    ['boundary-capped admin (AWSLambdaBasicExecutionRole)', { managed: [ADMIN], boundary: BASIC }],
  ] as [string, RoleSpec][])('%s is not admin', (_, spec) => {
    expect(facts(spec).admin).toBeUndefined();
  });

  // Any unconditional Deny, and any boundary that is not itself admin, must take admin away.
  const denies: Raw[] = [
    { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
    { Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::secret/*' },
    { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' },
    { Effect: 'Deny', Action: 'iam:*', NotResource: `arn:aws:iam::${ACCOUNT}:role/x` },
    { Effect: 'Deny', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:*:*:table/${aws:username}' },
  ];
  const boundaries: IamManagedPolicy[] = [
    BASIC,
    POWER_USER,
    S3_READ,
    customer('b1', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::*' }),
    customer('b2', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' }),
    customer('b3', { Effect: 'Allow', NotAction: 'organizations:*', Resource: '*' }),
    customer('b4'),
  ];
  it.each(denies.map((d) => [JSON.stringify(d), d]))('admin + Deny %s is not admin', (_, deny) => {
    expect(facts({ managed: [ADMIN], inline: [{ Statement: [deny] }] }).admin).toBeUndefined();
    // ... nor when the Deny sits in an admin boundary.
    const boundary = customer('deny-in-boundary', { Effect: 'Allow', Action: '*', Resource: '*' }, deny);
    expect(facts({ managed: [ADMIN], boundary }).admin).toBeUndefined();
  });
  it.each(boundaries.map((b) => [b.name, b]))('admin capped by boundary %s is not admin', (_, boundary) => {
    expect(facts({ managed: [ADMIN], boundary }).admin).toBeUndefined();
  });

  it('admin capped by an admin boundary stays admin; a conditional Deny makes it conditional', () => {
    expect(facts({ managed: [ADMIN], boundary: ADMIN }).admin?.conditional).toBe(false);
    const conditionalDeny = {
      Statement: [
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:ViaAWSService': 'false' } } },
      ],
    };
    expect(facts({ managed: [ADMIN], inline: [conditionalDeny] }).admin?.conditional).toBe(true);
  });
});

describe('analyseRole: admin, generated boundaries and Denies', () => {
  // A small seeded generator (no Math.random: the same cases every run).
  let seed = 19;
  const next = (n: number): number => {
    seed = (seed * 48271) % 2147483647; // Park-Miller: exact in doubles
    return seed % n;
  };
  const pick = <T>(list: readonly T[]): T => list[next(list.length)]!;
  const actions = ['*', '*:*', 's3:*', 'iam:*', 'iam:PassRole', 'ec2:RunInstances', 'lambda:*'];
  const resources = ['*', 'arn:aws:s3:::*', `arn:aws:iam::${ACCOUNT}:role/*`, 'arn:aws:s3:::b/*'];
  const statement = (): Raw => {
    const s: Raw = { Effect: next(4) === 0 ? 'Deny' : 'Allow' };
    if (next(5) === 0) s.NotAction = [pick(actions)];
    else s.Action = [pick(actions)];
    if (next(6) === 0) s.NotResource = [pick(resources)];
    else s.Resource = [pick(resources)];
    if (next(5) === 0) s.Condition = { Bool: { 'aws:SecureTransport': 'true' } };
    return s;
  };
  const adminStatement: Raw = { Effect: 'Allow', Action: '*', Resource: '*' };
  const cases = Array.from({ length: 300 }, (_, i) =>
    customer(`g${i}`, ...(next(2) === 0 ? [adminStatement] : []), ...Array.from({ length: 1 + next(3) }, statement)),
  );

  it('generates both kinds of case, so neither property holds vacuously', () => {
    const alone = cases.filter((c) => facts({ managed: [c] }).admin !== undefined).length;
    expect(alone).toBeGreaterThan(20);
    expect(cases.length - alone).toBeGreaterThan(100);
  });

  it.each(cases.map((c) => [c.name, c]))('boundary %s: admin only when the boundary alone is admin', (_, boundary) => {
    const capped = facts({ managed: [ADMIN], boundary }).admin;
    const alone = facts({ managed: [boundary] }).admin;
    if (alone === undefined) expect(capped).toBeUndefined();
    else expect(capped?.conditional).toBe(alone.conditional);
  });

  it.each(cases.map((c) => [c.name, c]))(
    'identity %s: any unconditional Deny that removes something leaves no admin',
    (_, policy) => {
      const denies = policy.document.Statement.filter(
        (s) =>
          s.Effect === 'Deny' &&
          s.Condition === undefined &&
          !(s.NotAction ?? []).some((a) => a === '*' || a === '*:*') &&
          !(s.NotResource ?? []).includes('*'),
      );
      if (denies.length > 0) expect(facts({ managed: [ADMIN, policy] }).admin).toBeUndefined();
    },
  );
});

describe('analyseRole: escalation methods', () => {
  it('PowerUserAccess holds no iam or pass-role method, only the existing-resource ones', () => {
    const f = facts({ managed: [POWER_USER] });
    expect(methods(f)).toEqual(byKind('existing-resource'));
    expect(f.escalations.every((e) => !e.conditional)).toBe(true);
  });

  it('IAMFullAccess holds every iam method that needs only iam actions', () => {
    const f = facts({ managed: [IAM_FULL] });
    const iamOnly = ESCALATION_METHODS.filter(
      (m) => m.kind === 'iam' && m.actions.every((a) => a.startsWith('iam:')),
    ).map((m) => m.id);
    expect(methods(f)).toEqual(iamOnly);
    expect(methods(f)).toContain('iam-create-policy-version');
    expect(methods(f)).not.toContain('iam-update-assume-role-policy'); // needs sts:AssumeRole too
    expect(f.escalations[0]?.by).toEqual([{ policy: IAM_FULL.arn, statement: '#1' }]);
  });

  it('IAMFullAccess plus AWSLambdaRole and lambda:CreateFunction: pass a role to a new function', () => {
    const f = facts({ managed: [IAM_FULL, LAMBDA_ROLE], inline: [allow('lambda:CreateFunction')] });
    const found = f.escalations.find((e) => e.method === 'passrole-lambda');
    expect(found).toEqual({
      method: 'passrole-lambda',
      by: [
        { policy: IAM_FULL.arn, statement: '#1' },
        { policy: 'inline:p1', statement: '#1' },
        { policy: LAMBDA_ROLE.arn, statement: '#1' },
      ],
      conditional: false,
    });
  });

  describe.each(ESCALATION_METHODS.map((m) => [m.id, m] as const))('%s', (_, method) => {
    it('counts when every action it needs is allowed on *', () => {
      const f = facts({ inline: [allow([...method.actions])] });
      expect(f.escalations.find((e) => e.method === method.id)).toEqual({
        method: method.id,
        by: [{ policy: 'inline:p1', statement: '#1' }],
        conditional: false,
      });
    });

    it.each(method.actions.map((a) => [a]))('does not count without %s', (missing) => {
      const rest = method.actions.filter((a) => a !== missing);
      const f = facts({ inline: rest.length > 0 ? [allow([...rest])] : [] });
      expect(methods(f)).not.toContain(method.id);
    });

    it('does not count when a Deny or the boundary removes a needed action', () => {
      const last = method.actions[method.actions.length - 1]!;
      const denied = facts({
        inline: [allow([...method.actions]), { Statement: [{ Effect: 'Deny', Action: last, Resource: '*' }] }],
      });
      expect(methods(denied)).not.toContain(method.id);
      const boundary = customer(
        'cap',
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: last, Resource: '*' },
      );
      expect(methods(facts({ inline: [allow([...method.actions])], boundary }))).not.toContain(method.id);
      const narrow = customer('narrow', { Effect: 'Allow', Action: 'logs:*', Resource: '*' });
      expect(methods(facts({ inline: [allow([...method.actions])], boundary: narrow }))).not.toContain(method.id);
    });

    it('is conditional when a needed action is allowed only under a condition', () => {
      const f = facts({
        inline: [
          allow([...method.actions], '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }),
        ],
      });
      expect(f.escalations.find((e) => e.method === method.id)?.conditional).toBe(true);
    });
  });

  const others = (id: string): string[] =>
    ESCALATION_METHODS.find((m) => m.id === id)!.actions.filter((a) => a !== 'iam:PassRole');
  const passRole = (resource: string | string[], condition?: Raw): Raw => ({
    Statement: [
      {
        Sid: 'Pass',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: resource,
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
  const toLambda = { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } };
  const named = `arn:aws:iam::${ACCOUNT}:role/app-fn-role`;

  it.each([
    ['PassRole on a named role with iam:PassedToService', passRole(named, toLambda), undefined],
    ['PassRole on two named roles with iam:PassedToService', passRole([named, `${named}-2`], toLambda), undefined],
    ['PassRole on a named role, no condition', passRole(named), false],
    [
      'PassRole on a role wildcard with iam:PassedToService',
      passRole(`arn:aws:iam::${ACCOUNT}:role/app-*`, toLambda),
      true,
    ],
    ['PassRole on * with iam:PassedToService', passRole('*', toLambda), true],
    ['PassRole on *', passRole('*'), false],
  ] as [string, Raw, boolean | undefined][])('passrole-lambda: %s', (_, grant, conditional) => {
    const f = facts({ inline: [grant, allow(others('passrole-lambda'))] });
    expect(f.escalations.find((e) => e.method === 'passrole-lambda')?.conditional).toBe(conditional);
  });

  it.each([
    [
      'iam:CreatePolicyVersion on one named policy',
      allow('iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/app`),
      false,
    ],
    [
      'iam:CreatePolicyVersion on every policy of the account',
      allow('iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/*`),
      true,
    ],
    [
      'iam:CreatePolicyVersion on every policy anywhere',
      allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/*'),
      true,
    ],
    [
      'lambda:UpdateFunctionCode on one function',
      allow('lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:app`),
      false,
    ],
    [
      'lambda:UpdateFunctionCode on functions of one region',
      allow('lambda:UpdateFunctionCode', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:*`),
      true,
    ],
    [
      'lambda:UpdateFunctionCode on functions named app-*',
      allow('lambda:UpdateFunctionCode', `arn:aws:lambda:*:${ACCOUNT}:function:app-*`),
      false,
    ],
  ] as [string, Raw, boolean][])('%s: counts %s', (_, doc, counts) => {
    expect(facts({ inline: [doc] }).escalations.length > 0).toBe(counts);
  });
});

describe('analyseRole: data wildcards', () => {
  const wildcards = (spec: RoleSpec): string[] =>
    facts(spec).dataWildcards.map((d) => `${d.service}:${d.actions.join(',')}${d.conditional ? '?' : ''}`);

  it.each([
    ['s3:GetObject on *', { inline: [allow('s3:GetObject')] }, ['s3:s3:GetObject']],
    [
      's3:* on arn:aws:s3:::*',
      { inline: [allow('s3:*', 'arn:aws:s3:::*')] },
      ['s3:s3:DeleteObject,s3:GetObject,s3:PutObject'],
    ],
    ['s3:GetObject on arn:aws:s3:::*/*', { inline: [allow('s3:GetObject', 'arn:aws:s3:::*/*')] }, ['s3:s3:GetObject']],
    ['s3:GetObject on one bucket', { inline: [allow('s3:GetObject', 'arn:aws:s3:::orders/*')] }, []],
    ['AmazonS3ReadOnlyAccess', { managed: [S3_READ] }, ['s3:s3:GetObject']],
    [
      'dynamodb:* on arn:aws:dynamodb:*:*:table/*',
      { inline: [allow('dynamodb:*', 'arn:aws:dynamodb:*:*:table/*')] },
      [
        'dynamodb:dynamodb:BatchGetItem,dynamodb:BatchWriteItem,dynamodb:DeleteItem,dynamodb:GetItem,dynamodb:PartiQLSelect,dynamodb:PutItem,dynamodb:Query,dynamodb:Scan,dynamodb:UpdateItem',
      ],
    ],
    [
      'dynamodb:GetItem on every table of one region',
      { inline: [allow('dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/*`)] },
      ['dynamodb:dynamodb:GetItem'],
    ],
    [
      'dynamodb:GetItem on one table',
      { inline: [allow('dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`)] },
      [],
    ],
    [
      'dynamodb:Query on every index only',
      { inline: [allow('dynamodb:Query', `arn:aws:dynamodb:*:*:table/orders/index/*`)] },
      [],
    ],
    [
      'secretsmanager:GetSecretValue on every secret',
      { inline: [allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:*')] },
      ['secretsmanager:secretsmanager:GetSecretValue'],
    ],
    [
      'secretsmanager:GetSecretValue on app/*',
      { inline: [allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:app/*')] },
      [],
    ],
    [
      'ssm:GetParameter* on every parameter',
      { inline: [allow('ssm:GetParameter*', 'arn:aws:ssm:*:*:parameter/*')] },
      ['ssm:ssm:GetParameter,ssm:GetParameters,ssm:GetParametersByPath'],
    ],
    ['ssm:GetParameter on /app/*', { inline: [allow('ssm:GetParameter', 'arn:aws:ssm:*:*:parameter/app/*')] }, []],
    [
      'kms:Decrypt on every key of the account',
      { inline: [allow('kms:Decrypt', `arn:aws:kms:*:${ACCOUNT}:key/*`)] },
      ['kms:kms:Decrypt'],
    ],
    [
      'sqs/sns/kinesis on *',
      { inline: [allow(['sqs:SendMessage', 'sns:Publish', 'kinesis:PutRecord'])] },
      ['kinesis:kinesis:PutRecord', 'sns:sns:Publish', 'sqs:sqs:SendMessage'],
    ],
    [
      'a conditional grant',
      {
        inline: [allow('s3:GetObject', '*', { Condition: { StringEquals: { 's3:ExistingObjectTag/public': 'yes' } } })],
      },
      ['s3:s3:GetObject?'],
    ],
    [
      'Deny s3:* on * removes it',
      { inline: [allow('s3:*'), { Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }] },
      [],
    ],
    [
      'a boundary limited to one bucket removes it',
      {
        inline: [allow('s3:*')],
        boundary: customer('one-bucket', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::orders/*' }),
      },
      [],
    ],
    [
      'a NotResource Allow counts as a wildcard',
      { inline: [{ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }] }] },
      ['s3:s3:GetObject'],
    ],
    ['AWSLambdaBasicExecutionRole reaches no data', { managed: [BASIC] }, []],
  ] as [string, RoleSpec, string[]][])('%s', (_, spec, expected) => {
    expect(wildcards(spec)).toEqual(expected);
  });

  it('AmazonDynamoDBReadOnlyAccess reads every table', () => {
    const [entry] = facts({ managed: [DYNAMO_READ] }).dataWildcards.filter((d) => d.service === 'dynamodb');
    expect(entry?.actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']));
    expect(entry?.actions).not.toContain('dynamodb:PutItem');
    expect(entry?.by.policy).toBe(DYNAMO_READ.arn);
  });
});

describe('analyseRole: trust', () => {
  const trust = (...Statement: Raw[]) =>
    facts({ inline: [], trust: { Statement } }).trust.map((t) => [t.principal, t.audience, t.conditional]);
  const assume = (Principal: unknown, extra: Raw = {}): Raw => ({
    Effect: 'Allow',
    Principal,
    Action: 'sts:AssumeRole',
    ...extra,
  });

  it.each([
    ['lambda only', [assume({ Service: 'lambda.amazonaws.com' })], [['lambda.amazonaws.com', 'service', false]]],
    [
      'two services',
      [assume({ Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] })],
      [
        ['lambda.amazonaws.com', 'service', false],
        ['edgelambda.amazonaws.com', 'service', false],
      ],
    ],
    ['*', [assume('*')], [['*', 'public', false]]],
    [
      '{AWS: *} with aws:PrincipalOrgID',
      [assume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })],
      [['*', 'organization', true]],
    ],
    [
      '* with aws:PrincipalAccount of this account',
      [assume('*', { Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } })],
      [['*', 'own-account', true]],
    ],
    [
      'another account',
      [assume({ AWS: `arn:aws:iam::${OTHER}:root` })],
      [[`arn:aws:iam::${OTHER}:root`, 'other-account', false]],
    ],
    [
      'another account with sts:ExternalId',
      [assume({ AWS: OTHER }, { Condition: { StringEquals: { 'sts:ExternalId': 'x' } } })],
      [[OTHER, 'other-account', true]],
    ],
    [
      'own account root',
      [assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` })],
      [[`arn:aws:iam::${ACCOUNT}:root`, 'own-account', false]],
    ],
    [
      'a role of the own account',
      [assume({ AWS: `arn:aws:iam::${ACCOUNT}:role/deployer` })],
      [[`arn:aws:iam::${ACCOUNT}:role/deployer`, 'own-account', false]],
    ],
    [
      'NotPrincipal',
      [{ Effect: 'Allow', NotPrincipal: { AWS: OTHER }, Action: 'sts:AssumeRole' }],
      [['NotPrincipal', 'public', false]],
    ],
    ['sts:* counts', [{ ...assume({ AWS: OTHER }), Action: 'sts:*' }], [[OTHER, 'other-account', false]]],
    ['* action counts', [{ ...assume({ AWS: OTHER }), Action: '*' }], [[OTHER, 'other-account', false]]],
    ['sts:TagSession alone does not', [{ ...assume({ AWS: OTHER }), Action: 'sts:TagSession' }], []],
    [
      'web identity (Federated)',
      [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
      [[`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, 'restricted', false]],
    ],
    [
      'SAML',
      [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/idp` },
          Action: 'sts:AssumeRoleWithSAML',
        },
      ],
      [[`arn:aws:iam::${ACCOUNT}:saml-provider/idp`, 'restricted', false]],
    ],
    [
      'a Deny of the principal removes it',
      [
        assume({ AWS: OTHER }),
        { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:AssumeRole' },
      ],
      [],
    ],
    ['a Deny of * removes everyone', [assume('*'), { Effect: 'Deny', Principal: '*', Action: 'sts:*' }], []],
  ] as [string, Raw[], unknown[]][])('%s', (_, statements, expected) => {
    expect(trust(...statements)).toEqual(expected);
  });

  it('cites the trust statement by Sid, else by position', () => {
    const f = facts({
      trust: { Statement: [{ Sid: 'Lambda', ...assume({ Service: 'lambda.amazonaws.com' }) }, assume({ AWS: OTHER })] },
    });
    expect(f.trust.map((t) => t.by)).toEqual([
      { policy: 'trust', statement: 'Lambda' },
      { policy: 'trust', statement: '#2' },
    ]);
  });
});

describe('analyseRole: unknown parts', () => {
  it('a managed policy not found is unknown, never empty', () => {
    const missing = customer('gone');
    const role: IamRole = {
      arn: `arn:aws:iam::${ACCOUNT}:role/r`,
      name: 'r',
      trustPolicy: normalisePolicy(LAMBDA_TRUST),
      inlinePolicies: [],
      managedPolicies: [missing.arn],
    };
    // The permissions are unknown; who may assume the role is still known.
    expect(analyseRole(role, () => undefined, ACCOUNT)).toEqual({
      unknown: { path: 'managedPolicies', reason: 'not-in-input', detail: missing.arn },
      trust: [expect.objectContaining({ audience: 'service', principal: 'lambda.amazonaws.com' })],
    });
  });

  it("another account's policy is unknown as other-account; a missing boundary is unknown", () => {
    const foreign = `arn:aws:iam::${OTHER}:policy/shared`;
    const base = {
      arn: `arn:aws:iam::${ACCOUNT}:role/r`,
      name: 'r',
      trustPolicy: normalisePolicy(LAMBDA_TRUST),
      inlinePolicies: [],
    };
    expect(analyseRole({ ...base, managedPolicies: [foreign] }, () => undefined, ACCOUNT)).toMatchObject({
      unknown: { path: 'managedPolicies', reason: 'other-account', detail: foreign },
    });
    expect(
      analyseRole({ ...base, managedPolicies: [], permissionsBoundary: foreign }, () => undefined, ACCOUNT),
    ).toMatchObject({ unknown: { path: 'permissionsBoundary' } });
  });

  it("the role's own unknown entry makes it unknown", () => {
    const unknown: UnknownPart = { path: 'inlinePolicies', reason: 'plan-time', detail: '!Sub ${Policy}' };
    expect(analyse({ inline: [allow('s3:*')], unknown: [unknown] })).toEqual({ unknown, trust: expect.any(Array) });
  });

  it('a trust policy that could not be read leaves trust unknown too', () => {
    const unknown: UnknownPart = { path: 'trustPolicy', reason: 'failed', detail: 'MalformedPolicyDocument' };
    expect(analyse({ inline: [allow('s3:*')], unknown: [unknown] })).toEqual({ unknown });
  });
});

describe('analyseRole: permissions digest', () => {
  const digest = (spec: RoleSpec): string => facts(spec).permissions;
  const a = {
    Statement: [{ Sid: 'One', Effect: 'Allow', Action: ['s3:GetObject', 'logs:PutLogEvents'], Resource: '*' }],
  };

  it('is 16 hex characters', () => expect(digest({ inline: [a] })).toMatch(/^[0-9a-f]{16}$/));

  it('ignores Sids, order, case of actions, and how statements are split across policies', () => {
    const same = [
      { inline: [{ Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents', 'S3:GetObject'], Resource: '*' }] }] },
      {
        inline: [
          {
            Statement: [
              { Sid: 'Other', Effect: 'Allow', Action: ['s3:GetObject', 'logs:PutLogEvents'], Resource: ['*'] },
            ],
          },
        ],
      },
      { managed: [customer('m', { Effect: 'Allow', Action: ['s3:GetObject', 'logs:PutLogEvents'], Resource: '*' })] },
    ];
    for (const spec of same) expect(digest(spec)).toBe(digest({ inline: [a] }));
  });

  it('changes when what the role can do changes', () => {
    const base = digest({ inline: [a] });
    expect(digest({ inline: [allow('s3:PutObject')] })).not.toBe(base);
    expect(digest({ inline: [a], boundary: ADMIN })).not.toBe(base);
    expect(digest({ inline: [a, allow('sqs:SendMessage')] })).not.toBe(base);
    expect(digest({ inline: [{ Statement: [{ ...a.Statement[0], Resource: 'arn:aws:s3:::b/*' }] }] })).not.toBe(base);
  });
});
