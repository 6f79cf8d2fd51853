/**
 * The evaluator against AWS's own examples. Each row is transcribed from the IAM User Guide page
 * (and section) its `doc` names: the policies as the page prints them, the request, and the outcome
 * the page states. Rows under "model" test the choices docs/roles.md documents (conditions,
 * policy variables), which the documentation cannot decide for us.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRequest, type Decision, type NamedDocument } from '../../src/iam/index.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';

const GUIDE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';
const EVAL = `${GUIDE}/reference_policies_evaluation-logic.html`;
const DENIES = `${GUIDE}/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html`;
const ACTION = `${GUIDE}/reference_policies_elements_action.html`;
const NOT_ACTION = `${GUIDE}/reference_policies_elements_notaction.html`;
const RESOURCE = `${GUIDE}/reference_policies_elements_resource.html`;
const NOT_RESOURCE = `${GUIDE}/reference_policies_elements_notresource.html`;
const BOUNDARY = `${GUIDE}/access_policies_boundaries.html`;

type Raw = Record<string, unknown>;
type Outcome = 'allowed' | 'implicit-deny' | 'boundary-deny' | 'explicit-deny' | 'conditional';

interface Row {
  /** The page and section the row is transcribed from. */
  readonly doc: string;
  /** Identity policies, named `p1`, `p2`, ... in order. */
  readonly identity: readonly Raw[];
  /** The boundary's statements (one managed policy named `boundary`). */
  readonly boundary?: Raw;
  readonly action: string;
  readonly resource: string;
  readonly expect: Outcome;
  /** `policy/statement` that decided (allowed, conditional, explicit-deny). */
  readonly by?: string;
}

const policy = (...Statement: Raw[]): Raw => ({ Version: '2012-10-17', Statement });

// The difference between explicit and implicit denies: the AllowGetList / DenyReports example.
const getList = policy(
  { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
  { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
);
// NotAction with Allow / with Deny.
const notDeleteBucket = policy({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' });
const notIam = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
const denyWithoutMfa = policy({
  Sid: 'DenyAllUsersNotUsingMFA',
  Effect: 'Deny',
  NotAction: 'iam:*',
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
});
// NotResource: the HRPayroll example, and the statement the page says never to write.
const hrPayroll = policy({
  Effect: 'Deny',
  Action: 's3:*',
  NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'],
});
const allS3 = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
const everything = policy({ Effect: 'Allow', Action: '*', Resource: '*' });
const allButHrBucket = policy({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::HRBucket' });
// Resource: wildcards within and across segments.
const testFolders = policy({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*',
});
const bucket = (key: string): string => `arn:aws:s3:::amzn-s3-demo-bucket/${key}`;
// Permissions boundaries: ShirleyRodriguez's boundary and permissions policy.
const shirleyBoundary = policy({ Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*'], Resource: '*' });
const createUser = policy({ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' });

const IAM_USER = 'arn:aws:iam::111122223333:user';
const INSTANCE = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0';

const rows: Row[] = [
  // --- The difference between explicit and implicit denies ------------------------------------
  {
    doc: `${DENIES} (AllowGetList)`,
    identity: [getList],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/Bob`,
    expect: 'allowed',
    by: 'p1/AllowGetList',
  },
  {
    doc: `${DENIES} (AllowGetList)`,
    identity: [getList],
    action: 'iam:ListRoles',
    resource: '*',
    expect: 'allowed',
    by: 'p1/AllowGetList',
  },
  {
    doc: `${DENIES} (iam:CreatePolicy is implicitly denied)`,
    identity: [getList],
    action: 'iam:CreatePolicy',
    resource: '*',
    expect: 'implicit-deny',
  },
  {
    doc: `${DENIES} (DenyReports)`,
    identity: [getList],
    action: 'iam:GetOrganizationsAccessReport',
    resource: '*',
    expect: 'explicit-deny',
    by: 'p1/DenyReports',
  },
  {
    doc: `${DENIES} (another policy granting iam:GenerateCredentialReport is still denied)`,
    identity: [getList, policy({ Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' })],
    action: 'iam:GenerateCredentialReport',
    resource: '*',
    expect: 'explicit-deny',
    by: 'p1/DenyReports',
  },
  // --- IAM JSON policy elements: Action ------------------------------------------------------
  {
    doc: `${ACTION} (prefix and action name are case insensitive)`,
    identity: [policy({ Effect: 'Allow', Action: 'IAM:listaccesskeys', Resource: '*' })],
    action: 'iam:ListAccessKeys',
    resource: '*',
    expect: 'allowed',
  },
  {
    doc: `${ACTION} (a list of actions)`,
    identity: [policy({ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: '*' })],
    action: 'sqs:ReceiveMessage',
    resource: '*',
    expect: 'allowed',
  },
  {
    doc: `${ACTION} (a list of actions)`,
    identity: [policy({ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: '*' })],
    action: 'sqs:DeleteMessage',
    resource: '*',
    expect: 'implicit-deny',
  },
  {
    doc: `${ACTION} (iam:*AccessKey*)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: '*' })],
    action: 'iam:CreateAccessKey',
    resource: '*',
    expect: 'allowed',
  },
  {
    doc: `${ACTION} (iam:*AccessKey*)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: '*' })],
    action: 'iam:ListAccessKeys',
    resource: '*',
    expect: 'allowed',
  },
  {
    doc: `${ACTION} (iam:*AccessKey*)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: '*' })],
    action: 'iam:CreateUser',
    resource: '*',
    expect: 'implicit-deny',
  },
  // --- IAM JSON policy elements: NotAction ----------------------------------------------------
  {
    doc: `${NOT_ACTION} (NotAction with Allow: S3 except DeleteBucket)`,
    identity: [notDeleteBucket],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::amzn-s3-demo-bucket/key',
    expect: 'allowed',
  },
  {
    doc: `${NOT_ACTION} (NotAction with Allow: S3 except DeleteBucket)`,
    identity: [notDeleteBucket],
    action: 's3:DeleteBucket',
    resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
    expect: 'implicit-deny',
  },
  {
    doc: `${NOT_ACTION} (other services' actions do not apply to S3 resources)`,
    identity: [notDeleteBucket],
    action: 'ec2:RunInstances',
    resource: INSTANCE,
    expect: 'implicit-deny',
  },
  {
    doc: `${NOT_ACTION} (every action in every service except IAM)`,
    identity: [notIam],
    action: 'ec2:RunInstances',
    resource: INSTANCE,
    expect: 'allowed',
  },
  {
    doc: `${NOT_ACTION} (every action in every service except IAM)`,
    identity: [notIam],
    action: 'iam:CreateUser',
    resource: `${IAM_USER}/Bob`,
    expect: 'implicit-deny',
  },
  {
    doc: `${NOT_ACTION} (NotAction with Deny grants no action)`,
    identity: [denyWithoutMfa],
    action: 'iam:ListUsers',
    resource: '*',
    expect: 'implicit-deny',
  },
  {
    doc: `${NOT_ACTION} (NotAction with Deny grants no action)`,
    identity: [denyWithoutMfa],
    action: 's3:GetObject',
    resource: bucket('key'),
    expect: 'implicit-deny',
  },
  // --- IAM JSON policy elements: NotResource --------------------------------------------------
  {
    doc: `${NOT_RESOURCE} (HRPayroll: the Deny grants access to nothing)`,
    identity: [hrPayroll],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::HRBucket/Payroll/salaries.csv',
    expect: 'implicit-deny',
  },
  {
    doc: `${NOT_RESOURCE} (HRPayroll: every other S3 resource denied)`,
    identity: [hrPayroll, allS3],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::HRBucket/Other/file.txt',
    expect: 'explicit-deny',
    by: 'p1/#1',
  },
  {
    doc: `${NOT_RESOURCE} (HRPayroll: the Payroll folder is left alone)`,
    identity: [hrPayroll, allS3],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::HRBucket/Payroll/salaries.csv',
    expect: 'allowed',
    by: 'p2/#1',
  },
  {
    doc: `${NOT_RESOURCE} (the policy only affects Amazon S3 actions)`,
    identity: [hrPayroll, everything],
    action: 'ec2:StartInstances',
    resource: INSTANCE,
    expect: 'allowed',
  },
  {
    doc: `${NOT_RESOURCE} (Allow * NotResource HRBucket: lets users add a policy to themselves)`,
    identity: [allButHrBucket],
    action: 'iam:PutUserPolicy',
    resource: `${IAM_USER}/Shirley`,
    expect: 'allowed',
  },
  {
    doc: `${NOT_RESOURCE} (Allow * NotResource HRBucket: everything but HRBucket)`,
    identity: [allButHrBucket],
    action: 'ec2:RunInstances',
    resource: INSTANCE,
    expect: 'allowed',
  },
  {
    doc: `${NOT_RESOURCE} (Allow * NotResource HRBucket: except the HRBucket bucket)`,
    identity: [allButHrBucket],
    action: 's3:ListBucket',
    resource: 'arn:aws:s3:::HRBucket',
    expect: 'implicit-deny',
  },
  // --- IAM JSON policy elements: Resource -----------------------------------------------------
  {
    doc: `${RESOURCE} (statements must include Resource or NotResource)`,
    identity: [policy({ Effect: 'Allow', Action: 's3:GetObject' })],
    action: 's3:GetObject',
    resource: bucket('key'),
    expect: 'implicit-deny',
  },
  {
    doc: `${RESOURCE} (the IAM user name is case sensitive)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `${IAM_USER}/Bob` })],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/Bob`,
    expect: 'allowed',
  },
  {
    doc: `${RESOURCE} (the IAM user name is case sensitive)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `${IAM_USER}/Bob` })],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/bob`,
    expect: 'implicit-deny',
  },
  {
    doc: `${RESOURCE} (all IAM users whose path is /accounting)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `${IAM_USER}/accounting/*` })],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/accounting/Alice`,
    expect: 'allowed',
  },
  {
    doc: `${RESOURCE} (all IAM users whose path is /accounting)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `${IAM_USER}/accounting/*` })],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/marketing/Alice`,
    expect: 'implicit-deny',
  },
  {
    doc: `${RESOURCE} (all items within a specific Amazon S3 bucket)`,
    identity: [policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: bucket('*') })],
    action: 's3:GetObject',
    resource: bucket('photos/2024/a.jpg'),
    expect: 'allowed',
  },
  ...[
    '1/test/object.jpg',
    '1/2/test/object.jpg',
    '1/2/3/test/4/object.jpg',
    '1///test///object.jpg',
    '1/test/.jpg',
    '/test/object.jpg',
    '1/test/',
  ].map((key): Row => ({
    doc: `${RESOURCE} (*/test/* matches ${key})`,
    identity: [testFolders],
    action: 's3:GetObject',
    resource: bucket(key),
    expect: 'allowed',
  })),
  ...['1-test/object.jpg', 'test/object.jpg', '1/2/test.jpg'].map((key): Row => ({
    doc: `${RESOURCE} (*/test/* does not match ${key})`,
    identity: [testFolders],
    action: 's3:GetObject',
    resource: bucket(key),
    expect: 'implicit-deny',
  })),
  {
    doc: `${RESOURCE} (a * ending a segment can expand beyond the colon boundaries)`,
    identity: [
      policy({
        Effect: 'Allow',
        Action: 'logs:PutLogEvents',
        Resource: 'arn:aws:logs:us-east-1:111122223333:log-group:app*',
      }),
    ],
    action: 'logs:PutLogEvents',
    resource: 'arn:aws:logs:us-east-1:111122223333:log-group:app-web:log-stream:1',
    expect: 'allowed',
  },
  {
    doc: `${RESOURCE} (? is any single character)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `${IAM_USER}/Bo?` })],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/Bob`,
    expect: 'allowed',
  },
  {
    doc: `${RESOURCE} (? is any single character)`,
    identity: [policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `${IAM_USER}/Bo?` })],
    action: 'iam:GetUser',
    resource: `${IAM_USER}/Bobby`,
    expect: 'implicit-deny',
  },
  // --- Permissions boundaries for IAM entities ------------------------------------------------
  {
    doc: `${BOUNDARY} (ShirleyRodriguez: iam:CreateUser fails, the boundary does not allow it)`,
    identity: [createUser],
    boundary: shirleyBoundary,
    action: 'iam:CreateUser',
    resource: `${IAM_USER}/New`,
    expect: 'boundary-deny',
  },
  {
    doc: `${BOUNDARY} (ShirleyRodriguez: add a permissions policy with S3 actions)`,
    identity: [createUser, allS3],
    boundary: shirleyBoundary,
    action: 's3:GetObject',
    resource: bucket('key'),
    expect: 'allowed',
    by: 'p2/#1',
  },
  {
    doc: `${BOUNDARY} (a boundary does not provide permissions on its own)`,
    identity: [],
    boundary: shirleyBoundary,
    action: 's3:GetObject',
    resource: bucket('key'),
    expect: 'implicit-deny',
  },
  {
    doc: `${BOUNDARY} (effective permissions: the intersection)`,
    identity: [policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
    boundary: shirleyBoundary,
    action: 's3:PutObject',
    resource: bucket('key'),
    expect: 'implicit-deny',
  },
  {
    doc: `${BOUNDARY} (an explicit deny in either of these policies overrides the allow: boundary)`,
    identity: [allS3],
    boundary: policy(...(shirleyBoundary.Statement as Raw[]), {
      Sid: 'NoDelete',
      Effect: 'Deny',
      Action: 's3:DeleteBucket',
      Resource: '*',
    }),
    action: 's3:DeleteBucket',
    resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
    expect: 'explicit-deny',
    by: 'boundary/NoDelete',
  },
  {
    doc: `${BOUNDARY} (an explicit deny in either of these policies overrides the allow: identity)`,
    identity: [allS3, policy({ Sid: 'NoDelete', Effect: 'Deny', Action: 's3:Delete*', Resource: '*' })],
    boundary: shirleyBoundary,
    action: 's3:DeleteObject',
    resource: bucket('key'),
    expect: 'explicit-deny',
    by: 'p2/NoDelete',
  },
  // --- Policy evaluation logic -----------------------------------------------------------------
  {
    doc: `${EVAL} (by default, all requests are implicitly denied)`,
    identity: [],
    action: 's3:GetObject',
    resource: bucket('key'),
    expect: 'implicit-deny',
  },
  {
    doc: `${EVAL} (an Allow in any identity-based policy, inline or managed, allows)`,
    identity: [
      policy({
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/books',
      }),
      allS3,
    ],
    action: 's3:PutObject',
    resource: bucket('key'),
    expect: 'allowed',
    by: 'p2/#1',
  },
  {
    doc: `${EVAL} (an explicit deny in any policy overrides any allow)`,
    identity: [
      everything,
      policy({ Sid: 'NoTerminate', Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' }),
    ],
    action: 'ec2:TerminateInstances',
    resource: INSTANCE,
    expect: 'explicit-deny',
    by: 'p2/NoTerminate',
  },
];

function named(raw: readonly Raw[]): NamedDocument[] {
  return raw.map((p, i) => ({ name: `p${i + 1}`, document: normalisePolicy(p) }));
}

function outcome(d: Decision): Outcome {
  return d.kind === 'implicit-deny' && d.boundary === true ? 'boundary-deny' : d.kind;
}

describe('evaluateRequest: AWS documentation examples', () => {
  it('has at least 40 rows', () => expect(rows.length).toBeGreaterThanOrEqual(40));

  it.each(rows.map((r) => [`${r.action} on ${r.resource}: ${r.expect} -- ${r.doc}`, r] as const))('%s', (_, row) => {
    const decision = evaluateRequest(
      { action: row.action, resource: row.resource },
      {
        identity: named(row.identity),
        ...(row.boundary ? { boundary: [{ name: 'boundary', document: normalisePolicy(row.boundary) }] } : {}),
      },
    );
    expect(outcome(decision)).toBe(row.expect);
    if (row.by !== undefined && 'by' in decision) expect(`${decision.by.policy}/${decision.by.statement}`).toBe(row.by);
  });
});

describe('evaluateRequest: the model (docs/roles.md)', () => {
  const ask = (identity: Raw[], action: string, resource: string, boundary?: Raw): Decision =>
    evaluateRequest(
      { action, resource },
      {
        identity: named(identity),
        ...(boundary ? { boundary: [{ name: 'b', document: normalisePolicy(boundary) }] } : {}),
      },
    );

  it('an Allow with a Condition grants only conditionally, listing its keys', () => {
    const d = ask(
      [
        policy({
          Sid: 'Mfa',
          Effect: 'Allow',
          Action: 'ec2:*',
          Resource: '*',
          Condition: {
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
            StringEquals: { 'aws:RequestedRegion': 'eu-west-1' },
          },
        }),
      ],
      'ec2:RunInstances',
      INSTANCE,
    );
    expect(d).toEqual({
      kind: 'conditional',
      by: { policy: 'p1', statement: 'Mfa' },
      keys: ['aws:MultiFactorAuthPresent', 'aws:RequestedRegion'],
    });
  });

  it('an unconditional Allow wins over a conditional one', () => {
    const d = ask(
      [
        policy({
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        }),
        allS3,
      ],
      's3:GetObject',
      bucket('k'),
    );
    expect(d).toEqual({ kind: 'allowed', by: { policy: 'p2', statement: '#1' } });
  });

  it('a conditional Deny is treated as not applying (errs towards "granted")', () => {
    expect(ask([denyWithoutMfa, allS3], 's3:GetObject', bucket('k')).kind).toBe('allowed');
  });

  it('a conditional boundary makes the grant conditional, with both sets of keys', () => {
    const boundary = policy({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    const d = ask(
      [
        policy({
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        }),
      ],
      's3:GetObject',
      bucket('k'),
      boundary,
    );
    expect(d).toMatchObject({ kind: 'conditional', keys: ['aws:RequestedRegion', 'aws:SecureTransport'] });
  });

  it('an empty boundary denies everything', () => {
    expect(
      evaluateRequest({ action: 's3:GetObject', resource: '*' }, { identity: named([allS3]), boundary: [] }),
    ).toEqual({ kind: 'implicit-deny', boundary: true });
  });

  it('a policy variable in an Allow Resource may match any value', () => {
    const home = policy({ Effect: 'Allow', Action: 's3:*', Resource: bucket('home/${aws:username}/*') });
    expect(ask([home], 's3:GetObject', bucket('home/David/notes.txt')).kind).toBe('allowed');
    expect(ask([home], 's3:GetObject', bucket('home/Someone/notes.txt')).kind).toBe('allowed');
    expect(ask([home], 's3:GetObject', bucket('public/notes.txt')).kind).toBe('implicit-deny');
  });

  it('a policy variable in a Deny Resource is not assumed to match', () => {
    const deny = policy({ Effect: 'Deny', Action: 's3:*', Resource: bucket('home/${aws:username}/*') });
    expect(ask([allS3, deny], 's3:GetObject', bucket('home/David/notes.txt')).kind).toBe('allowed');
  });

  it('${*} is a literal asterisk, not a wildcard', () => {
    const literal = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: bucket('${*}') });
    expect(ask([literal], 's3:GetObject', bucket('*')).kind).toBe('allowed');
    expect(ask([literal], 's3:GetObject', bucket('anything')).kind).toBe('implicit-deny');
  });

  it('actions match case-insensitively, resources case-sensitively', () => {
    expect(
      ask([policy({ Effect: 'Allow', Action: 'S3:GETOBJECT', Resource: bucket('Key') })], 's3:getObject', bucket('Key'))
        .kind,
    ).toBe('allowed');
    expect(
      ask([policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: bucket('Key') })], 's3:GetObject', bucket('key'))
        .kind,
    ).toBe('implicit-deny');
  });
});
