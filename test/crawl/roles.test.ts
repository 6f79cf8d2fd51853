// Execution roles (IAM GetAccountAuthorizationDetails) over real HTTP, through the real AWS SDK,
// against the simulator's IAM: what is stored and how often, pagination, throttling, refused and
// failed reads, --no-roles, one read per account in multi-account runs, and the read-only guard.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  createIamClient,
  MutatingCallRefused,
  READ_ONLY_COMMANDS,
  READ_ONLY_EC2_COMMANDS,
  READ_ONLY_IAM_COMMANDS,
  READ_ONLY_LOGS_COMMANDS,
} from '../../src/crawl/client.js';
import { RoleReads, unread, withRoleCompleteness } from '../../src/crawl/role-reads.js';
import { parseDocument, readRoles, type RoleReadOptions } from '../../src/crawl/roles.js';
import { isComplete } from '../../src/snapshot/build.js';
import { normalisePolicy } from '../../src/snapshot/policy.js';
import type { AccountIam, RegionStats, Snapshot } from '../../src/snapshot/types.js';
import { generateFleet } from '../../src/simulator/fleet.js';
import { ADMINISTRATOR_ACCESS, ROLE_RULES, simulatedIam } from '../../src/simulator/roles.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';
import { expectedRoles, plantedRoleRules } from './ground-truth.js';

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

const ACCOUNT = '123456789012';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const fastRetry = { maxTransientAttempts: 6, maxThrottleAttempts: 30, baseDelayMs: 5, maxDelayMs: 50 };

function read(endpoint: string, extra: Partial<RoleReadOptions> = {}) {
  return readRoles({
    client: () => createIamClient({ region: 'us-east-1', endpoint, maxSockets: 2, credentials }),
    signal: new AbortController().signal,
    retry: fastRetry,
    requestTimeoutMs: 5000,
    ...extra,
  });
}

const roleArn = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`;

describe('the role read against the simulator', () => {
  it('stores every role with its trust, inline, attached and boundary policies, and the default version of each managed policy a role names', async () => {
    await withSimulator({ fleet: { functions: 300, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const result = await read(endpoint);
      expect(result.unknown).toBeUndefined();
      expect(result.account).toBe(ACCOUNT);
      expect(result.requests).toBe(1);
      expect(sim.iamStats.byOperation).toEqual({ GetAccountAuthorizationDetails: 1 });
      // Every role IAM holds, each exactly as written (documents decoded and normalised).
      const truth = simulatedIam(sim.fleet, ACCOUNT);
      expect(Object.keys(result.roles).sort()).toEqual(truth.roles.map((r) => r.arn).sort());
      for (const role of truth.roles) {
        const stored = result.roles[role.arn]!;
        expect(stored.name).toBe(role.name);
        expect(stored.trustPolicy).toEqual(normalisePolicy(role.trust));
        expect(stored.inlinePolicies).toEqual(
          role.inline.map((p) => ({ name: p.name, document: normalisePolicy(p.document) })),
        );
        expect(stored.managedPolicies).toEqual([...role.managed].sort());
        expect(stored.permissionsBoundary).toBe(role.boundary);
      }
      // Managed policies: only those a role names (AWS managed ones nobody attached are left out).
      expect(Object.keys(result.policies)).toEqual([
        `arn:aws:iam::${ACCOUNT}:policy/boundary-reports-read`,
        `arn:aws:iam::${ACCOUNT}:policy/lambda-logs`,
        `arn:aws:iam::${ACCOUNT}:policy/role-maintenance`,
        ADMINISTRATOR_ACCESS,
      ]);
      expect(result.policies[ADMINISTRATOR_ACCESS]).toEqual({
        arn: ADMINISTRATOR_ACCESS,
        name: 'AdministratorAccess',
        version: 'v1',
        document: { Statement: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }] },
      });
      // The default version (v2, scoped), not the older admin v1.
      const maintenance = result.policies[`arn:aws:iam::${ACCOUNT}:policy/role-maintenance`]!;
      expect(maintenance.version).toBe('v2');
      expect(maintenance.document.Statement[0]?.Action).toEqual(['iam:PutRolePolicy']);
      // The boundary-capped admin and the role trusting another account came back as planted.
      expect(result.roles[roleArn('public-capped-admin-exec')]?.permissionsBoundary).toBe(
        `arn:aws:iam::${ACCOUNT}:policy/boundary-reports-read`,
      );
      expect(result.roles[roleArn('deploy-trust-partner-exec')]?.trustPolicy.Statement.map((s) => s.Principal)).toEqual(
        [{ Service: ['lambda.amazonaws.com'] }, { AWS: ['arn:aws:iam::210987654321:root'] }],
      );
    });
  });

  it('follows Marker while IsTruncated, 1,000 items a page', async () => {
    await withSimulator(
      { fleet: { functions: 20, regions: ['us-east-1'] }, iam: { extraRoles: 2500, rate: 100 } },
      async (sim, endpoint) => {
        const result = await read(endpoint, { ratePerSecond: 50 });
        const total = simulatedIam(sim.fleet, ACCOUNT, { extraRoles: 2500 }).roles.length;
        expect(total).toBeGreaterThan(2500);
        expect(Object.keys(result.roles)).toHaveLength(total);
        expect(result.roles[roleArn('extra-role-02499')]).toBeDefined();
        expect(result.pages).toBe(3);
        expect(sim.iamStats.byOperation.GetAccountAuthorizationDetails).toBe(3);
        // Policies come last (on the last page) and are still found for the roles of earlier pages.
        expect(Object.keys(result.policies)).toContain(ADMINISTRATOR_ACCESS);
      },
    );
  });

  it('backs off on Throttling (another caller spending the same bucket) and still reads everything', async () => {
    await withSimulator(
      { fleet: { functions: 20, regions: ['us-east-1'] }, iam: { rate: 1 } },
      async (sim, endpoint) => {
        // Three readers of one account at once, against a bucket of one request a second.
        const reads = await Promise.all(
          [0, 1, 2].map(() => read(endpoint, { ratePerSecond: 20, retry: { ...fastRetry, maxThrottleAttempts: 200 } })),
        );
        for (const r of reads) {
          expect(r.unknown).toBeUndefined();
          expect(Object.keys(r.roles).length).toBeGreaterThan(10);
        }
        const throttled = reads.reduce((n, r) => n + r.throttled, 0);
        expect(throttled).toBeGreaterThan(0);
        expect(sim.iamStats.throttled).toBe(throttled);
      },
    );
  });

  it('a refused read is an unknown part (denied), made once; a failing one is retried, then failed', async () => {
    await withSimulator(
      { fleet: { functions: 10, regions: ['us-east-1'] }, iam: { deny: true } },
      async (sim, endpoint) => {
        const result = await read(endpoint);
        expect(result).toMatchObject({ roles: {}, policies: {}, requests: 1 });
        expect(result.unknown).toEqual({ path: 'iam', reason: 'denied', detail: 'AccessDenied' });
        expect(sim.iamStats.requests).toBe(1);
      },
    );
    await withSimulator(
      { fleet: { functions: 10, regions: ['us-east-1'] }, iam: { fail: true } },
      async (sim, endpoint) => {
        const result = await read(endpoint);
        // IAM's ServiceFailure code, as the SDK names its modelled error.
        expect(result.unknown).toEqual({ path: 'iam', reason: 'failed', detail: 'ServiceFailureException' });
        expect(result.requests).toBe(fastRetry.maxTransientAttempts);
        expect(sim.iamStats.requests).toBe(fastRetry.maxTransientAttempts);
      },
    );
  });

  it('one read per account, however often its regions start it', async () => {
    await withSimulator({ fleet: { functions: 10, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const reads = new RoleReads({ read: true, signal: new AbortController().signal });
      const target = { region: 'us-east-1', client: { iamEndpoint: endpoint, credentials, maxSockets: 2 } };
      reads.start('a', target);
      reads.start('a', { ...target, region: 'eu-west-1' });
      const [entry] = await reads.collect(new Map([['a', undefined]]));
      expect(entry?.account).toBe(ACCOUNT);
      expect(Object.keys(entry?.roles ?? {}).length).toBeGreaterThan(10);
      expect(sim.iamStats.requests).toBe(1);
    });
  });

  it('the IAM client refuses every command but GetAccountAuthorizationDetails before it leaves the process', async () => {
    expect([...READ_ONLY_IAM_COMMANDS]).toEqual(['GetAccountAuthorizationDetailsCommand']);
    await withSimulator({ fleet: { functions: 1, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const client = await createIamClient({ region: 'us-east-1', endpoint, maxSockets: 2, credentials });
      try {
        await expect(
          client.send(new PutRolePolicyCommand({ RoleName: 'x', PolicyName: 'p', PolicyDocument: '{}' })),
        ).rejects.toBeInstanceOf(MutatingCallRefused);
        await expect(
          client.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: '{}' })),
        ).rejects.toBeInstanceOf(MutatingCallRefused);
      } finally {
        client.destroy();
      }
      expect(sim.iamStats.requests).toBe(0);
    });
  });
});

describe("the demo fleet's execution roles (the role rules' ground truth)", () => {
  const fleet = generateFleet();
  const fns = [...fleet.values()].flatMap((m) => [...m.values()]);
  const isPublic = (fn: (typeof fns)[number]) =>
    (fn.exposure?.expected ?? []).some((r) => r === 'function-public-access' || r === 'function-url-public');

  it('plants every role kind and every role rule, with public functions on admin and escalation roles', () => {
    const kinds = countBy(fns.map((f) => f.role?.expectedRole ?? 'none'));
    expect(kinds).toMatchObject({
      admin: 6,
      escalation: 5,
      'boundary-capped': 2,
      'data-wildcard': 2,
      'trust-other-account': 2,
      'other-account': 1,
    });
    expect(kinds.none).toBeUndefined();
    const expected = plantedRoleRules(fleet, new Set(fns.map((f) => f.configuration.FunctionArn ?? '')));
    const rules = countBy([...expected].map((k) => k.split(' ')[0] ?? ''));
    for (const rule of ROLE_RULES) expect(rules[rule] ?? 0, rule).toBeGreaterThanOrEqual(2);
    const publicPowerful = fns.filter(
      (f) => isPublic(f) && (f.role?.expectedRole === 'admin' || f.role?.expectedRole === 'escalation'),
    );
    expect(publicPowerful.length).toBeGreaterThanOrEqual(5);
    expect(expectedRoles(fleet).size).toBe(fns.length);
  });

  it('one role serves a public and a private function (role-shared); every other role one kind of exposure', () => {
    const byRole = new Map<string, Set<string>>();
    for (const f of fns) {
      const reach = isPublic(f)
        ? 'public'
        : (f.exposure?.expected ?? []).includes('function-cross-account-invoke')
          ? 'account'
          : 'private';
      byRole.set(f.configuration.Role ?? '', (byRole.get(f.configuration.Role ?? '') ?? new Set()).add(reach));
    }
    const mixed = [...byRole].filter(([, reach]) => reach.size > 1).map(([arn]) => arn);
    expect(mixed).toEqual([roleArn('shared-exec')]);
    const shared = fns.filter((f) => f.role?.expected.includes('role-shared'));
    expect(shared.map(isPublic).sort()).toEqual([false, true]);
  });

  it('every role a function of the account names is in its IAM; the other-account one is not', () => {
    const roles = new Set(simulatedIam(fleet, ACCOUNT).roles.map((r) => r.arn));
    for (const f of fns) {
      const role = f.configuration.Role ?? '';
      expect(roles.has(role), role).toBe(f.role?.expectedRole !== 'other-account');
      for (const v of f.versions) expect(v.Role).toBe(role);
    }
  });
});

describe('documents', () => {
  it('are URL-decoded JSON (IAM), or plain JSON (some emulators); anything else is not a policy', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    const expected = normalisePolicy(document);
    expect(parseDocument(encodeURIComponent(JSON.stringify(document)))).toEqual(expected);
    expect(parseDocument(JSON.stringify(document))).toEqual(expected);
    // A literal % or + in a condition value survives decoding.
    const odd = {
      Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:userid': 'a+b%c' } } }],
    };
    expect(parseDocument(encodeURIComponent(JSON.stringify(odd)))?.Statement[0]?.Condition).toEqual({
      StringLike: { 'aws:userid': ['a+b%c'] },
    });
    expect(parseDocument('%E0%A4%A')).toBeUndefined();
    expect(parseDocument(encodeURIComponent('not json'))).toBeUndefined();
    expect(parseDocument(undefined)).toBeUndefined();
  });
});

describe('completeness', () => {
  const region = (account: string): RegionStats => ({
    account,
    region: 'us-east-1',
    complete: true,
    listed: 1,
    fetched: 1,
    vanished: 0,
    denied: 0,
    failed: 0,
    versions: 0,
    throttled: 0,
    retries: 0,
    requests: 2,
    durationMs: 1,
  });
  const iam = (account: string, reason?: 'denied' | 'failed' | 'skipped'): AccountIam => ({
    account,
    roles: {},
    policies: {},
    ...(reason === undefined ? {} : { unknown: { path: 'iam', reason } }),
  });
  it('an account whose roles were refused or failed makes its regions and the run incomplete; skipped does not', () => {
    const regions = [region('111111111111'), region('222222222222'), region('333333333333')];
    const roles = [iam('111111111111', 'denied'), iam('222222222222', 'skipped'), iam('333333333333')];
    expect(withRoleCompleteness(regions, roles).map((r) => r.complete)).toEqual([false, true, true]);
    expect(isComplete({ regions, iam: roles })).toBe(false);
    expect(isComplete({ regions, iam: [iam('111111111111', 'failed')] })).toBe(false);
    expect(isComplete({ regions, iam: [iam('111111111111', 'skipped')] })).toBe(true);
    expect(roles.map(unread)).toEqual([true, false, false]);
  });
});

describe('the CLI', () => {
  const env = (endpoint: string) => ({
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    LAMBDA_AUDIT_ENV_HASH_KEY: 'roles-test-key-0123456',
  });
  const scan = (endpoint: string, cwd: string, ...extra: string[]) =>
    runCli(['scan', '--no-exposure', '--no-drift', '--fail-on', 'none', '--output', 'snapshot=s.json', ...extra], {
      cwd,
      env: env(endpoint),
    });
  const snapshotIn = (cwd: string, file = 's.json') => JSON.parse(readFileSync(join(cwd, file), 'utf8')) as Snapshot;

  it('1,000 functions on one role: one read, one role entry, its documents stored once', async () => {
    await withSimulator({ fleet: { functions: 1000, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const shared = roleArn('public-passrole-exec');
      for (const fn of sim.fleet.get('us-east-1')!.values()) fn.configuration.Role = shared;
      const cwd = tempDir('la-roles-');
      const result = await scan(endpoint, cwd);
      expect(result.code, result.stderr).toBe(0);
      expect(sim.iamStats.byOperation).toEqual({ GetAccountAuthorizationDetails: 1 });
      const text = readFileSync(join(cwd, 's.json'), 'utf8');
      const snapshot = JSON.parse(text) as Snapshot;
      expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
      expect(snapshot.functions.filter((f) => f.configuration.Role === shared)).toHaveLength(1000);
      expect(snapshot.iam).toHaveLength(1);
      expect(Object.keys(snapshot.iam![0]!.roles).filter((arn) => arn === shared)).toHaveLength(1);
      // The role's inline policy (its Sid) and the role's ARN as a key: once in the whole snapshot.
      expect(text.split('"PassAnyRole"').length - 1).toBe(1);
      expect(text.split(`"${shared}":`).length - 1).toBe(1);
      expect(result.stderr).toMatch(/iam 123456789012: \d+ roles, 4 managed policies \(1 requests, 0 throttled\)/);
    });
  }, 120_000);

  it('a refused read: exit 3 naming the account, the unknown part in the snapshot, its regions incomplete', async () => {
    await withSimulator(
      { fleet: { functions: 20, regions: ['us-east-1'] }, iam: { deny: true } },
      async (_sim, endpoint) => {
        const cwd = tempDir('la-roles-');
        const result = await scan(endpoint, cwd);
        expect(result.code, result.stderr).toBe(3);
        expect(result.stderr).toContain(
          '123456789012: its execution roles could not be read (iam:GetAccountAuthorizationDetails denied: AccessDenied)',
        );
        const snapshot = snapshotIn(cwd);
        expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
        expect(snapshot.iam).toEqual([
          {
            account: ACCOUNT,
            roles: {},
            policies: {},
            unknown: { path: 'iam', reason: 'denied', detail: 'AccessDenied' },
          },
        ]);
        expect(snapshot.regions.map((r) => r.complete)).toEqual([false]);
        // --input of that snapshot keeps the roles (here: their absence) and the verdict.
        const again = await runCli(
          ['scan', '--input', 's.json', '--no-drift', '--fail-on', 'none', '--output', 'snapshot=t.json'],
          {
            cwd,
          },
        );
        expect(again.code, again.stderr).toBe(3);
        expect(snapshotIn(cwd, 't.json').iam).toEqual(snapshot.iam);
      },
    );
  }, 60_000);

  it('--no-roles reads nothing from IAM and records the roles as skipped (the run stays complete)', async () => {
    await withSimulator({ fleet: { functions: 20, regions: ['us-east-1'] } }, async (sim, endpoint) => {
      const cwd = tempDir('la-roles-');
      const result = await scan(endpoint, cwd, '--no-roles');
      expect(result.code, result.stderr).toBe(0);
      expect(sim.iamStats.requests).toBe(0);
      expect(snapshotIn(cwd).iam).toEqual([
        {
          account: ACCOUNT,
          roles: {},
          policies: {},
          unknown: { path: 'iam', reason: 'skipped', detail: '--no-roles' },
        },
      ]);
    });
  }, 60_000);

  it('several accounts over several regions and crawler threads: one read per account; shards merge to one entry per account', async () => {
    const ids = ['500000000001', '500000000002', '500000000003'];
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    await withSimulator(
      {
        fleet: { functions: 6, regions, account: ids[0]! },
        otherAccounts: Object.fromEntries(ids.slice(1).map((id) => [id, { functions: 6, regions }])),
        accounts: Object.fromEntries(ids.map((id) => [`AKID${id}`, id])),
      },
      async (sim, endpoint) => {
        const cwd = tempDir('la-roles-org-');
        writeFileSync(
          join(cwd, 'credentials'),
          ids.map((id) => `[p${id}]\naws_access_key_id = AKID${id}\naws_secret_access_key = x\n`).join('\n'),
        );
        const run = (runIn: string, ...extra: string[]) =>
          runCli(
            [
              'scan',
              ...ids.flatMap((id) => ['--profile', `p${id}`]),
              '--regions',
              regions.join(','),
              '--endpoint',
              endpoint,
              '--no-exposure',
              '--no-drift',
              '--fail-on',
              'none',
              ...extra,
            ],
            {
              cwd: runIn,
              env: {
                AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'credentials'),
                LAMBDA_AUDIT_ENV_HASH_KEY: 'roles-test-key-0123456',
              },
            },
          );
        // Crawler threads load the TypeScript sources through tsx, found from the working directory:
        // the repository's here (the built CLI needs none); the snapshot goes to the temp directory.
        const whole = await run(repoRoot, '--threads', '2', '--output', `snapshot=${join(cwd, 'all.json')}`);
        expect(whole.code, whole.stderr).toBe(0);
        expect(sim.iamStats.byOperation.GetAccountAuthorizationDetails).toBe(ids.length);
        const all = snapshotIn(cwd, 'all.json');
        expect(all.regions).toHaveLength(9);
        expect(all.iam?.map((i) => i.account)).toEqual(ids);
        for (const entry of all.iam ?? []) {
          expect(entry.unknown).toBeUndefined();
          expect(Object.keys(entry.roles).every((arn) => arn.startsWith(`arn:aws:iam::${entry.account}:role/`))).toBe(
            true,
          );
          // Every function's role of this account is there.
          for (const f of all.functions.filter((fn) => fn.account === entry.account)) {
            const role = f.configuration.Role ?? '';
            if (role.includes(`::${entry.account}:`)) expect(entry.roles[role], role).toBeDefined();
          }
        }

        const shard1 = await run(cwd, '--shard', '1/2', '--output', 'snapshot=s1.json');
        const shard2 = await run(cwd, '--shard', '2/2', '--output', 'snapshot=s2.json');
        expect([shard1.code, shard2.code]).toEqual([0, 0]);
        const shardIam = [snapshotIn(cwd, 's1.json'), snapshotIn(cwd, 's2.json')].map((s) => s.iam ?? []);
        // An account with regions in both shards was read by both; the merge keeps one.
        expect(shardIam.flat().length).toBeGreaterThanOrEqual(ids.length);
        const merged = await runCli(
          ['merge', 's1.json', 's2.json', '--no-drift', '--fail-on', 'none', '--output', 'snapshot=m.json'],
          {
            cwd,
          },
        );
        expect(merged.code, merged.stderr).toBe(0);
        expect(snapshotIn(cwd, 'm.json').iam).toEqual(all.iam);
      },
    );
  }, 180_000);
});

describe('docs/iam.md', () => {
  it('grants every action the crawl may call, and from IAM exactly GetAccountAuthorizationDetails', () => {
    const doc = readFileSync(join(repoRoot, 'docs/iam.md'), 'utf8');
    const policy = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '{}') as {
      Statement: { Action: string | string[] }[];
    };
    const actions = new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
    const allowed = [
      ...[...READ_ONLY_COMMANDS].map((c) => `lambda:${c.replace(/Command$/, '')}`),
      ...[...READ_ONLY_EC2_COMMANDS].map((c) => `ec2:${c.replace(/Command$/, '')}`),
      ...[...READ_ONLY_IAM_COMMANDS].map((c) => `iam:${c.replace(/Command$/, '')}`),
      ...[...READ_ONLY_LOGS_COMMANDS].map((c) => `logs:${c.replace(/Command$/, '')}`),
    ];
    // GetFunctionConfiguration is on the allow list but no crawl path sends it (GetFunction carries
    // the configuration), so the policy leaves it out.
    for (const action of allowed.filter((a) => a !== 'lambda:GetFunctionConfiguration'))
      expect(actions, action).toContain(action);
    expect([...actions].filter((a) => a.startsWith('iam:'))).toEqual(['iam:GetAccountAuthorizationDetails']);
  });
});
