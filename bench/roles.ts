/**
 * Role analysis benchmark: 10,000 generated execution roles through analyseRole (budget 2 s).
 * The mix follows what Lambda fleets hold: mostly the basic execution policy plus an inline policy
 * naming the function's own table, bucket, queue, parameters and key; some broad grants
 * (`dynamodb:*` on `*`), AWS managed read-only policies, PowerUserAccess, a few administrators,
 * deployer roles with iam:PassRole, conditions, a shared permissions boundary, cross-account trust.
 * Inline documents are fresh objects per run (a scan meets each role once); managed policies are
 * shared within a run, as in a snapshot.
 */
import { analyseRole } from '../src/iam/index.js';
import { normalisePolicy } from '../src/snapshot/policy.js';
import type { IamManagedPolicy, IamRole } from '../src/snapshot/types.js';

const ACCOUNT = '111122223333';

const managed = (name: string, path: string, statements: unknown[]): IamManagedPolicy => ({
  arn: `arn:aws:iam::aws:policy${path}${name}`,
  name,
  document: normalisePolicy({ Version: '2012-10-17', Statement: statements }),
});

function managedPolicies(): Map<string, IamManagedPolicy> {
  const list = [
    managed('AWSLambdaBasicExecutionRole', '/service-role/', [
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
    ]),
    managed('AWSLambdaVPCAccessExecutionRole', '/service-role/', [
      {
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface'],
        Resource: '*',
      },
    ]),
    managed('AmazonS3ReadOnlyAccess', '/', [
      {
        Effect: 'Allow',
        Action: ['s3:Get*', 's3:List*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
        Resource: '*',
      },
    ]),
    managed('PowerUserAccess', '/', [
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:ListRoles'], Resource: '*' },
    ]),
    managed('AdministratorAccess', '/', [{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    {
      arn: `arn:aws:iam::${ACCOUNT}:policy/lambda-boundary`,
      name: 'lambda-boundary',
      document: normalisePolicy({
        Statement: [
          { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
          { Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 's3:DeleteBucket'], Resource: '*' },
        ],
      }),
    },
  ];
  return new Map(list.map((p) => [p.arn, p]));
}

const basic = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const vpc = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

export function syntheticRoles(count: number): IamRole[] {
  const roles: IamRole[] = [];
  for (let i = 0; i < count; i++) {
    const app = `svc-${i % 997}-fn-${i}`;
    const region = ['us-east-1', 'eu-west-1', 'ap-southeast-2'][i % 3]!;
    const own: unknown[] = [
      {
        Sid: 'Table',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        Resource: [
          `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${app}`,
          `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${app}/index/*`,
        ],
      },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${app}-data/*` },
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        Resource: `arn:aws:sqs:${region}:${ACCOUNT}:${app}`,
      },
      { Effect: 'Allow', Action: 'ssm:GetParameter*', Resource: `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${app}/*` },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:${region}:${ACCOUNT}:key/${i}` },
    ];
    const kind = i % 100;
    const managedArns = [basic, ...(i % 4 === 0 ? [vpc] : [])];
    if (kind < 8) own.push({ Effect: 'Allow', Action: ['dynamodb:*', 's3:*'], Resource: '*' });
    else if (kind < 18) managedArns.push('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    else if (kind < 23) managedArns.push('arn:aws:iam::aws:policy/PowerUserAccess');
    else if (kind < 26) managedArns.push('arn:aws:iam::aws:policy/AdministratorAccess');
    else if (kind < 31)
      own.push(
        { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:UpdateFunctionCode'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: `arn:aws:iam::${ACCOUNT}:role/${kind < 28 ? '*' : app}`,
          Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
        },
      );
    else if (kind < 35)
      own.push({
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/app': app } },
      });
    const cross = i % 50 === 0;
    roles.push({
      arn: `arn:aws:iam::${ACCOUNT}:role/${app}-role`,
      name: `${app}-role`,
      trustPolicy: normalisePolicy({
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ...(cross
            ? [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:AssumeRole' }]
            : []),
        ],
      }),
      inlinePolicies: [{ name: `${app}-policy`, document: normalisePolicy({ Statement: own }) }],
      managedPolicies: managedArns,
      ...(i % 20 === 7 ? { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/lambda-boundary` } : {}),
    });
  }
  return roles;
}

export function benchRoles(count = 10_000): string[] {
  const run = (): { ms: number; cpuMs: number; admin: number; escalating: number; wildcards: number } => {
    const roles = syntheticRoles(count); // fresh documents: nothing compiled yet
    const policies = managedPolicies();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let admin = 0;
    let escalating = 0;
    let wildcards = 0;
    for (const role of roles) {
      const a = analyseRole(role, (arn) => policies.get(arn), ACCOUNT);
      if ('unknown' in a) throw new Error(`bench role unknown: ${a.unknown.path}`);
      if (a.admin) admin++;
      if (a.escalations.length > 0) escalating++;
      if (a.dataWildcards.length > 0) wildcards++;
    }
    const cpu = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, admin, escalating, wildcards };
  };
  const first = run(); // also the cold run: empty pattern cache
  const runs = [run(), run(), run()];
  const median = runs.map((r) => r.ms).sort((a, b) => a - b)[1] ?? 0;
  const medianCpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b)[1] ?? 0;
  console.error(
    `  roles: ${count} roles: cold ${first.ms.toFixed(0)} ms (CPU ${first.cpuMs.toFixed(0)}), median ${median.toFixed(0)} ms (CPU ${medianCpu.toFixed(0)}) (${first.admin} admin, ${first.escalating} escalating, ${first.wildcards} with data wildcards)`,
  );
  return [
    '### Role analysis',
    '',
    '| roles | admin | with escalations | with data wildcards | cold ms (CPU) | median of 3 ms (CPU) | roles/s | budget |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    `| ${count.toLocaleString('en-US')} | ${first.admin} | ${first.escalating} | ${first.wildcards} | ${first.ms.toFixed(0)} (${first.cpuMs.toFixed(0)}) | ${median.toFixed(0)} (${medianCpu.toFixed(0)}) | ${Math.round((count / median) * 1000).toLocaleString('en-US')} | 2,000 ms |`,
    '',
    'Cold: the first run of the process (JIT and pattern memos empty), each role met once as in a scan. CPU: user + system time of the process, which a busy machine inflates less than wall time.',
    '',
  ];
}
