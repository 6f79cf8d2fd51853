// Execution roles against moto, a third-party implementation of IAM and Lambda: roles with inline,
// customer managed (two versions) and AWS managed AdministratorAccess policies, a permissions
// boundary, an escalation and a trust policy naming another account, created with boto3, with
// functions on them; then `lambda-audit scan` crawls it (the real AWS SDK over HTTP) and the
// snapshot's `iam` is checked role by role. moto runs with MOTO_IAM_LOAD_MANAGED_POLICIES=true, so
// it holds (and GetAccountAuthorizationDetails returns) every AWS managed policy, attached or not.
// Skipped, with a notice, without python3 + moto.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetAccountAuthorizationDetailsCommand } from '@aws-sdk/client-iam';
import { beforeAll, expect, it } from 'vitest';
import { createIamClient } from '../../src/crawl/client.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';
import type { AccountIam, Snapshot } from '../../src/snapshot/types.js';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { startMoto } from '../helpers/moto.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool } from '../helpers/tools.js';
import { evaluateFleet } from '../helpers/fleet-eval.js';

const ROLE_RULE_IDS = [
  'role-admin-access',
  'role-privilege-escalation',
  'role-data-wildcard',
  'role-trust-too-broad',
  'role-shared',
];

const run = promisify(execFile);

interface Seeded {
  readonly account: string;
  readonly roles: Record<string, string>;
  readonly policies: { appRead: string; boundary: string; unattached: string; admin: string };
  readonly functions: Record<string, string>;
}

let endpoint: string;
let seeded: Seeded;
let result: CliResult;
let snapshot: Snapshot;
let iam: AccountIam;

const allow = (action: string | string[], resource: string | string[], sid?: string) => ({
  ...(sid === undefined ? {} : { Sid: sid }),
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});
const lambdaTrust = { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };

describeWithTool('moto', 'execution roles against moto', () => {
  beforeAll(async () => {
    ({ endpoint } = await startMoto(30_000, { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' }));
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed_roles.py`, endpoint]);
    const raw = JSON.parse(stdout) as Omit<Seeded, 'policies'> & { policies: Record<string, string> };
    seeded = {
      ...raw,
      policies: {
        appRead: raw.policies['app-read']!,
        boundary: raw.policies.boundary!,
        unattached: raw.policies.unattached!,
        admin: raw.policies.admin!,
      },
    };
    const cwd = tempDir('la-roles-moto-');
    result = await runCli(['scan', '--no-drift', '--fail-on', 'none', '--output', 'snapshot=s.json'], {
      cwd,
      env: {
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_LAMBDA: endpoint,
        LAMBDA_AUDIT_ENV_HASH_KEY: 'roles-moto-key-0123456',
      },
    });
    snapshot = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as Snapshot;
    iam = snapshot.iam?.[0] as AccountIam;
  }, 120_000);

  it('crawls to a complete, valid snapshot with one iam entry for the account', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    expect(snapshot.iam?.map((i) => i.account)).toEqual([seeded.account]);
    expect(iam.unknown).toBeUndefined();
    // Every function's role is there, by the ARN the function names.
    expect(snapshot.functions).toHaveLength(Object.keys(seeded.functions).length);
    for (const f of snapshot.functions) expect(iam.roles[f.configuration.Role ?? ''], f.name).toBeDefined();
  });

  it('stores each role with its trust policy, inline policies, attached policies and boundary', () => {
    const role = (name: string) => iam.roles[seeded.roles[name]!]!;
    expect(Object.keys(iam.roles).sort()).toEqual(Object.values(seeded.roles).sort());
    expect(role('inline-exec')).toEqual({
      arn: seeded.roles['inline-exec'],
      name: 'inline-exec',
      trustPolicy: normalisePolicy({ Statement: [lambdaTrust] }),
      inlinePolicies: [
        {
          name: 'read-bucket',
          document: normalisePolicy({
            Statement: [
              allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::app', 'arn:aws:s3:::app/*'], 'ReadBucket'),
            ],
          }),
        },
      ],
      managedPolicies: [],
    });
    expect(role('managed-exec').managedPolicies).toEqual([seeded.policies.appRead]);
    expect(role('admin-exec').managedPolicies).toEqual([seeded.policies.admin]);
    expect(role('capped-admin-exec')).toMatchObject({
      managedPolicies: [seeded.policies.admin],
      permissionsBoundary: seeded.policies.boundary,
    });
    expect(role('passrole-exec').inlinePolicies[0]?.document.Statement.map((s) => s.Sid)).toEqual([
      'PassAnyRole',
      'RunCode',
    ]);
    expect(role('trust-partner-exec').trustPolicy.Statement.map((s) => s.Principal)).toEqual([
      { Service: ['lambda.amazonaws.com'] },
      { AWS: ['arn:aws:iam::210987654321:root'] },
    ]);
  });

  it('keeps the default version of each managed policy a role names: AWS managed AdministratorAccess, the customer managed v2, the boundary', () => {
    expect(Object.keys(iam.policies).sort()).toEqual(
      [seeded.policies.admin, seeded.policies.appRead, seeded.policies.boundary].sort(),
    );
    expect(iam.policies[seeded.policies.admin]?.document).toEqual(normalisePolicy({ Statement: [allow('*', '*')] }));
    // app-read's v1 was admin; v2, made the default, reads one table.
    expect(iam.policies[seeded.policies.appRead]).toEqual({
      arn: seeded.policies.appRead,
      name: 'app-read',
      version: 'v2',
      document: normalisePolicy({
        Statement: [allow('dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${seeded.account}:table/app`, 'ReadApp')],
      }),
    });
    expect(iam.policies[seeded.policies.boundary]?.document.Statement[0]?.Action).toEqual(['s3:GetObject']);
  });

  it('moto returns every AWS managed policy, attached or not; only those a role names are stored', async () => {
    const client = await createIamClient({
      region: 'us-east-1',
      endpoint,
      maxSockets: 2,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    try {
      const out = await client.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: ['AWSManagedPolicy', 'LocalManagedPolicy'],
          MaxItems: 1000,
        }),
      );
      const arns = (out.Policies ?? []).map((p) => p.Arn);
      expect(arns.length).toBeGreaterThan(500);
      expect(arns).toContain(seeded.policies.unattached);
      expect(arns).toContain('arn:aws:iam::aws:policy/ReadOnlyAccess');
    } finally {
      client.destroy();
    }
    expect(iam.policies[seeded.policies.unattached]).toBeUndefined();
    expect(iam.policies['arn:aws:iam::aws:policy/ReadOnlyAccess']).toBeUndefined();
    // Two functions on managed-exec: one copy of the role.
    const text = JSON.stringify(snapshot);
    expect(text.split('"ReadApp"').length - 1).toBe(1);
  });
});

describeWithTool('moto', 'role verdicts per function against moto', () => {
  it('judges each function on its role as IAM would, and ranks the public admin function first', async () => {
    const evaluation = await evaluateFleet(snapshot.functions, snapshot.iam);
    const rules = new Set([...ROLE_RULE_IDS, 'exposure-path']);
    const verdicts: Record<string, string[]> = {};
    for (const f of evaluation.findings.filter((x) => rules.has(x.ruleId)))
      (verdicts[f.functionName] ??= []).push(f.ruleId === 'exposure-path' ? `exposure-path:${f.severity}` : f.ruleId);
    for (const list of Object.values(verdicts)) list.sort();
    expect(verdicts).toEqual({
      // AdministratorAccess (AWS managed), invocable by anyone: the worst path there is.
      'public-admin': ['exposure-path:critical', 'role-admin-access'],
      // Admin capped by a boundary allowing only s3:GetObject on reports/*: nothing left to report.
      'on-passrole': ['role-privilege-escalation'],
      'on-trust-partner': ['role-trust-too-broad'],
      // managed-exec serves a public and a private function; the public one has no concurrency cap.
      'on-managed': ['role-shared'],
      'shared-public': ['exposure-path:medium', 'role-shared'],
    });
    expect(evaluation.notJudged.filter((n) => rules.has(n.ruleId))).toEqual([]);
  });
});
