// An AWS organisation in moto, a real third-party implementation of Organizations, STS and Lambda
// (moto scopes every resource by the account of the credentials; assumed-role credentials belong to
// the role's account). `scan --org --role-name AuditRole --regions all` through the CLI. moto has no
// SCPs: an SCP's deny comes from a proxy in front of its Lambda (test/helpers/scp-proxy.ts).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedShards, shardOf } from '../../src/org/shard.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { startMoto } from '../helpers/moto.js';
import { startScpProxy } from '../helpers/scp-proxy.js';
import { tempDir } from '../helpers/temp.js';
import { describeWithTool } from '../helpers/tools.js';

const run = promisify(execFile);

interface Seed {
  accounts: Record<'prod' | 'dev' | 'denied' | 'closed', string>;
  caller: { AccessKeyId: string; SecretAccessKey: string };
  functions: string[];
}
interface SnapshotOut {
  regions: {
    account: string;
    region: string;
    complete: boolean;
    listed: number;
    error?: { code: string; message: string; httpStatus?: number };
  }[];
  functions: { arn: string; account: string; status: string; configuration: { Role?: string } }[];
  iam?: { account: string; roles: Record<string, unknown> }[];
  skippedAccounts?: { account: string; name?: string; reason: string }[];
  shard?: { index: number; count: number; balance?: string };
}

let endpoint = '';
let seed: Seed;

function scanOrg(extra: string[] = [], env: Record<string, string> = {}) {
  const cwd = tempDir('la-org-');
  return runCli(
    [
      'scan',
      '--org',
      '--role-name',
      'AuditRole',
      '--regions',
      'all',
      '--no-drift',
      '--fail-on',
      'none',
      '--output',
      'snapshot=s.json',
      ...extra,
    ],
    {
      cwd,
      env: {
        AWS_ACCESS_KEY_ID: seed.caller.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: seed.caller.SecretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: endpoint,
        LAMBDA_AUDIT_ENV_HASH_KEY: 'moto-org-test-key-0123456789',
        ...env,
      },
    },
  ).then((result) => ({
    ...result,
    cwd,
    snapshot: result.code === 0 || result.code === 3 ? readSnapshot(join(cwd, 's.json')) : undefined,
  }));
}

function readSnapshot(file: string): SnapshotOut {
  return JSON.parse(readFileSync(file, 'utf8')) as SnapshotOut;
}

describeWithTool('moto', 'organisations against moto', () => {
  beforeAll(async () => {
    ({ endpoint } = await startMoto());
    const { stdout } = await run('python3', [`${repoRoot}/test/fixtures/moto/seed_org.py`, endpoint]);
    seed = JSON.parse(stdout) as Seed;
  }, 90_000);

  // Sequential: the second case turns moto's IAM authorization on for the rest of the server's life.
  describe.sequential('scan --org against moto', () => {
    it("finds every active account's functions in every enabled region; the suspended account is skipped", async () => {
      const result = await scanOrg();
      expect(result.code, result.stderr).toBe(0);
      const snapshot = result.snapshot!;
      expect(snapshot.functions.map((f) => f.arn).sort()).toEqual(seed.functions);
      expect(snapshot.functions.every((f) => f.status === 'ok')).toBe(true);
      // The caller's own account (the management account) is crawled with its own credentials.
      expect(new Set(snapshot.functions.map((f) => f.account))).toEqual(
        new Set(['123456789012', seed.accounts.prod, seed.accounts.dev, seed.accounts.denied]),
      );
      // Every enabled region of every account, not only the two that hold functions.
      const prodRegions = snapshot.regions.filter((r) => r.account === seed.accounts.prod).map((r) => r.region);
      expect(prodRegions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2']));
      expect(prodRegions.some((r) => r.startsWith('cn-') || r.startsWith('us-gov-'))).toBe(false);
      expect(snapshot.regions.some((r) => r.account === seed.accounts.closed)).toBe(false);
      expect(result.stderr).toContain(`skipped account ${seed.accounts.closed} (closed): state SUSPENDED`);
      // Named in the snapshot too, so the reports (and merge) have it.
      expect(snapshot.skippedAccounts).toEqual([
        { account: seed.accounts.closed, name: 'closed', reason: 'state SUSPENDED' },
      ]);
      // One role read per account (IAM is global), through its audit role, with the roles its
      // functions run as.
      expect(snapshot.iam?.map((i) => i.account)).toEqual(
        [...new Set(snapshot.functions.map((f) => f.account))].sort(),
      );
      for (const f of snapshot.functions)
        expect(
          snapshot.iam?.find((i) => i.account === f.account)?.roles[f.configuration.Role ?? ''],
          f.arn,
        ).toBeDefined();
    }, 120_000);

    it('an SCP that denies Lambda in one region of one account: that account-region alone is incomplete, exit 3', async () => {
      // moto enforces no SCPs: a proxy in front of its Lambda answers as AWS does for the prod
      // account in eu-west-1 (test/helpers/scp-proxy.ts); Organizations and STS are moto's.
      const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
      const where = { account: seed.accounts.prod, region: 'eu-west-1' };
      const proxy = await startScpProxy(endpoint, [where]);
      try {
        const outputs = ['json=r.json', 'sarif=r.sarif', 'markdown=r.md', 'html=r.html', 'text=r.txt'];
        // moto has no code signing listing (it answers 404): left out, so the one gap is the SCP's.
        const result = await scanOrg(
          ['--regions', regions.join(','), '--no-code-signing', ...outputs.flatMap((o) => ['--output', o])],
          {
            AWS_ENDPOINT_URL_LAMBDA: proxy.endpoint,
          },
        );
        expect(result.code, result.stderr).toBe(3);
        // The proxy denied that account-region's listing and nothing else.
        expect(proxy.denied.map((d) => `${d.account}/${d.region} ${d.operation}`)).toEqual([
          `${where.account}/${where.region} ListFunctions`,
        ]);
        const message = proxy.denied[0]!.message;
        expect(message).toBe(
          `User: arn:aws:sts::${where.account}:assumed-role/AuditRole/lambda-audit is not authorized to perform: lambda:ListFunctions on resource: * with an explicit deny in a service control policy`,
        );
        const snapshot = result.snapshot!;
        const key = (r: { account: string; region: string }): string => `${r.account}/${r.region}`;
        // Recorded for that account-region, with the service's code, status and message.
        const scp = snapshot.regions.filter((r) => key(r) === key(where));
        expect(scp).toEqual([
          expect.objectContaining({
            complete: false,
            listed: 0,
            error: { code: 'AccessDeniedException', message, httpStatus: 403, attempts: 1 },
          }),
        ]);
        // Every other account-region of every active account: crawled in full.
        const accounts = ['123456789012', seed.accounts.prod, seed.accounts.dev, seed.accounts.denied];
        const others = snapshot.regions.filter((r) => key(r) !== key(where));
        expect(others.map(key).sort()).toEqual(
          accounts
            .flatMap((a) => regions.map((r) => `${a}/${r}`))
            .filter((k) => k !== key(where))
            .sort(),
        );
        for (const r of others) expect(r.complete && r.error === undefined, key(r)).toBe(true);
        expect(snapshot.functions.map((f) => f.arn).sort()).toEqual(
          seed.functions.filter((arn) => !arn.startsWith(`arn:aws:lambda:${where.region}:${where.account}:`)),
        );
        expect(snapshot.functions.every((f) => f.status === 'ok')).toBe(true);
        // Listed in every report, with the service's message.
        const read = (f: string): string => readFileSync(join(result.cwd, f), 'utf8');
        const report = JSON.parse(read('r.json')) as { summary: { complete: boolean }; crawl: SnapshotOut['regions'] };
        expect(report.summary.complete).toBe(false);
        expect(report.crawl.find((r) => key(r) === key(where))?.error?.message).toBe(message);
        expect(result.stderr).toContain(
          `${where.account} ${where.region}: 0 listed, 0 fetched, 0 vanished, 0 denied, 0 failed; `,
        );
        expect(result.stderr).toContain(`INCOMPLETE (listing failed: AccessDeniedException: ${message})`);
        expect(read('r.txt')).toContain(
          `WARNING ${key(where)} incomplete: 0 failed, 0 denied, listing failed (AccessDeniedException: ${message})`,
        );
        // Markdown puts what came from AWS in code spans (src/report/escape.ts).
        expect(read('r.md')).toContain(`> Crawl incomplete in \`${key(where)}\`;`);
        expect(read('r.md')).toContain(`listing the functions failed (AccessDeniedException: ${message})`);
        const html = read('r.html');
        const row = html.slice(html.indexOf(`data-region="${key(where)}"`)).split('</tr>')[0]!;
        expect(row).toContain('<strong>incomplete</strong>');
        expect(row).toContain(`listing the functions failed (AccessDeniedException: ${message})`);
        const sarif = JSON.parse(read('r.sarif')) as {
          runs: {
            properties: { account: string };
            invocations: {
              executionSuccessful: boolean;
              toolExecutionNotifications?: { message: { text: string } }[];
            }[];
          }[];
        };
        // The SCP's gap in its account's run; the suspended account, a note in every run.
        const skippedNote = expect.objectContaining({
          level: 'note',
          message: { text: `account ${seed.accounts.closed} (closed) skipped, not crawled: state SUSPENDED` },
        });
        expect(sarif.runs.map((r) => r.properties.account).sort()).toEqual([...accounts].sort());
        for (const run of sarif.runs)
          expect(run.invocations).toEqual([
            run.properties.account !== where.account
              ? { executionSuccessful: true, toolExecutionNotifications: [skippedNote] }
              : {
                  executionSuccessful: false,
                  toolExecutionNotifications: [
                    expect.objectContaining({
                      level: 'warning',
                      message: {
                        text: `${key(where)}: listing the functions failed (AccessDeniedException: ${message}); functions there may be missing`,
                      },
                    }),
                    skippedNote,
                  ],
                },
          ]);
        // No secret reaches an output: not the caller's key, not an assumed-role session token.
        expect(proxy.sessionTokens.size).toBeGreaterThan(0);
        const texts = [
          result.stdout,
          result.stderr,
          ...['r.json', 'r.sarif', 'r.md', 'r.html', 'r.txt', 's.json'].map(read),
        ];
        for (const text of texts) {
          expect(text).not.toContain(seed.caller.SecretAccessKey);
          for (const token of proxy.sessionTokens) expect(text).not.toContain(token);
        }
      } finally {
        await proxy.close();
      }
    }, 120_000);

    it('an account whose role cannot be assumed is listed with its error, the others are crawled, exit 3', async () => {
      // From here moto enforces IAM: the caller may do anything but assume the "denied" account's role.
      const res = await fetch(`${endpoint}/moto-api/reset-auth`, {
        method: 'POST',
        body: '0',
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(200);
      const result = await scanOrg();
      expect(result.code, result.stderr).toBe(3);
      const snapshot = result.snapshot!;
      const denied = snapshot.regions.filter((r) => r.account === seed.accounts.denied);
      expect(denied).toEqual([
        expect.objectContaining({
          region: 'all',
          complete: false,
          listed: 0,
          error: expect.objectContaining({ code: 'AssumeRoleDenied' }),
        }),
      ]);
      expect(result.stderr).toMatch(new RegExp(`account ${seed.accounts.denied}: cannot crawl: AssumeRoleDenied`));
      // Every function of the other accounts is listed and recorded. (moto checks signatures against
      // the decoded path, so under its IAM authorization a GetFunction by ARN fails; the listing
      // alone shows the other accounts were crawled. The first case shows them fetched.)
      const others = seed.functions.filter((arn) => !arn.includes(`:${seed.accounts.denied}:`));
      expect(snapshot.functions.map((f) => f.arn).sort()).toEqual(others);
      for (const account of ['123456789012', seed.accounts.prod, seed.accounts.dev]) {
        const regions = snapshot.regions.filter((r) => r.account === account);
        expect(regions.length, account).toBeGreaterThan(2);
        expect(
          regions.every((r) => r.error === undefined),
          account,
        ).toBe(true);
      }
    }, 120_000);

    it('named regions: the denied account is recorded in each of them; --exclude-accounts leaves one out', async () => {
      const result = await scanOrg(['--regions', 'us-east-1,eu-west-1', '--exclude-accounts', seed.accounts.dev]);
      expect(result.code, result.stderr).toBe(3);
      const snapshot = result.snapshot!;
      expect(
        snapshot.regions.filter((r) => r.account === seed.accounts.denied).map((r) => [r.region, r.error?.code]),
      ).toEqual([
        ['eu-west-1', 'AssumeRoleDenied'],
        ['us-east-1', 'AssumeRoleDenied'],
      ]);
      expect(snapshot.regions.some((r) => r.account === seed.accounts.dev)).toBe(false);
      expect(result.stderr).toContain(`skipped account ${seed.accounts.dev} (dev): excluded (--exclude-accounts)`);
      expect(snapshot.skippedAccounts?.map((a) => `${a.account} ${a.reason}`)).toContain(
        `${seed.accounts.dev} excluded (--exclude-accounts)`,
      );
      expect(new Set(snapshot.regions.map((r) => r.account))).toEqual(
        new Set(['123456789012', seed.accounts.prod, seed.accounts.denied]),
      );
    }, 120_000);

    it('--shard-balance: each shard crawls the account-regions the previous snapshot assigns it', async () => {
      const whole = await scanOrg(['--regions', 'us-east-1,eu-west-1,ap-southeast-2']);
      expect([0, 3], whole.stderr).toContain(whole.code);
      const previous = join(tempDir('la-org-prev-'), 'previous.json');
      writeFileSync(previous, JSON.stringify(whole.snapshot));
      const assigned = balancedShards(whole.snapshot!.regions, 2);
      // The split differs from hashing alone somewhere, so this test tells them apart.
      expect([...assigned].some(([key, k]) => shardOf(key.split('/')[0]!, key.split('/')[1]!, 2) !== k)).toBe(true);
      // Accounts whose role cannot be assumed count as region "all" and go by hash: left out here.
      const crawled = (regions: SnapshotOut['regions']): string[] =>
        regions
          .filter((r) => r.error === undefined)
          .map((r) => `${r.account}/${r.region}`)
          .sort();
      const seen: string[] = [];
      const files: string[] = [];
      const infos: SnapshotOut['shard'][] = [];
      for (const k of [1, 2]) {
        const shard = await scanOrg([
          '--regions',
          'us-east-1,eu-west-1,ap-southeast-2',
          '--shard',
          `${k}/2`,
          '--shard-balance',
          previous,
        ]);
        expect([0, 3], shard.stderr).toContain(shard.code);
        expect(crawled(shard.snapshot!.regions)).toEqual(
          crawled(whole.snapshot!.regions).filter((key) => assigned.get(key) === k),
        );
        seen.push(...crawled(shard.snapshot!.regions));
        files.push(join(shard.cwd, 's.json'));
        infos.push(shard.snapshot!.shard);
      }
      expect(seen.sort()).toEqual(crawled(whole.snapshot!.regions));
      // Each says which shard of which split it is; merge takes the two, and refuses one alone.
      expect(infos).toEqual([
        { index: 1, count: 2, balance: expect.stringMatching(/^[0-9a-f]{12}$/) as string },
        { index: 2, count: 2, balance: infos[0]?.balance },
      ]);
      const merge = (shards: string[]) => runCli(['merge', ...shards, '--no-drift', '--fail-on', 'none']);
      const merged = await merge(files);
      expect(merged.code, merged.stderr).toBe(whole.code);
      const alone = await merge(files.slice(1));
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/shard 1\/2 is missing: got 2\/2/);
    }, 120_000);
  });
});
