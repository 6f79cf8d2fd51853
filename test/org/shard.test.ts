// --shard K/N and lambda-audit merge: three shards then merge give what one run gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditError } from '../../src/errors.js';
import { checkShardSet, shardInfo } from '../../src/org/merge.js';
import { parseShard, shardOf } from '../../src/org/shard.js';
import { runCli } from '../helpers/cli.js';
import { withSimulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/temp.js';

const account = (i: number): string => String(300000000000 + i);
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

describe('shardOf (rendezvous hashing)', () => {
  it('puts every account-region in exactly one shard, roughly evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let a = 0; a < 200; a++) for (const r of REGIONS) counts[shardOf(account(a), r, 4) - 1]!++;
    expect(counts.reduce((n, c) => n + c, 0)).toBe(600);
    for (const c of counts) expect(c).toBeGreaterThan(100);
  });

  it('moves no other account-region when accounts come and go', () => {
    const before = new Map<string, number>();
    for (let a = 0; a < 100; a++) for (const r of REGIONS) before.set(`${a}/${r}`, shardOf(account(a), r, 5));
    // Accounts 100..149 join, 0..9 leave: the assignment of the others depends on themselves alone.
    for (let a = 10; a < 100; a++)
      for (const r of REGIONS) expect(shardOf(account(a), r, 5)).toBe(before.get(`${a}/${r}`));
  });

  it('parses K/N and refuses the rest', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/K\/N/);
  });
});

interface ShardSnapshot {
  regions: unknown[];
  shard?: unknown;
}

interface Report {
  generatedAt?: string;
  summary: unknown;
  findings: unknown[];
  snapshot?: { generatedAt: string; regions: { durationMs: number }[] };
}

/** Apart from timestamps and crawl timings, which differ between any two runs. */
/** Timestamps, durations and the request counters (a 429 and its retry depend on timing) masked. */
const TIMING = new Set(['generatedAt', 'durationMs', 'requests', 'retries', 'throttled']);
function untimed(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (TIMING.has(key) ? 'T' : value)) as unknown;
}

describe('scan --shard K/N, then merge', () => {
  it('gives the same snapshot, findings, SARIF and gate result as one run', async () => {
    const ids = Array.from({ length: 4 }, (_, i) => account(i));
    await withSimulator(
      {
        fleet: { functions: 6, regions: REGIONS, account: ids[0]! },
        otherAccounts: Object.fromEntries(ids.slice(1).map((id, i) => [id, { functions: 4 + i, regions: REGIONS }])),
        accounts: Object.fromEntries(ids.map((id) => [`AKID${id}`, id])),
      },
      async (_sim, endpoint) => {
        const cwd = tempDir('la-shard-');
        writeFileSync(
          join(cwd, 'credentials'),
          ids.map((id) => `[p${id}]\naws_access_key_id = AKID${id}\naws_secret_access_key = x\n`).join('\n'),
        );
        const env = {
          AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'credentials'),
          LAMBDA_AUDIT_ENV_HASH_KEY: 'shard-merge-test-key-0123',
        };
        const crawlArgs = [
          ...ids.flatMap((id) => ['--profile', `p${id}`]),
          '--regions',
          REGIONS.join(','),
          '--endpoint',
          endpoint,
        ];
        const common = ['--as-of', '2026-11-22', '--no-drift', '--fail-on', 'medium'];
        const whole = await runCli(
          [
            'scan',
            ...crawlArgs,
            ...common,
            '--output',
            'snapshot=whole.json',
            '--output',
            'json=whole-report.json',
            '--output',
            'sarif=whole.sarif',
          ],
          { cwd, env },
        );
        expect(whole.code, whole.stderr).toBe(1); // the demo fleet has medium findings: the gate fails
        const shardSizes: number[] = [];
        for (const k of [1, 2, 3]) {
          const shard = await runCli(
            ['scan', ...crawlArgs, ...common, '--shard', `${k}/3`, '--output', `snapshot=shard-${k}.json`],
            { cwd, env },
          );
          expect([0, 1], shard.stderr).toContain(shard.code);
          const written = JSON.parse(readFileSync(join(cwd, `shard-${k}.json`), 'utf8')) as ShardSnapshot;
          expect(written.shard).toEqual({ index: k, count: 3 });
          shardSizes.push(written.regions.length);
          expect(shard.stderr).toMatch(new RegExp(`shard ${k}/3: \\d+ of 12 account-regions`));
        }
        expect(shardSizes.reduce((n, c) => n + c, 0)).toBe(12);
        const merged = await runCli(
          [
            'merge',
            'shard-1.json',
            'shard-2.json',
            'shard-3.json',
            ...common,
            '--output',
            'snapshot=merged.json',
            '--output',
            'json=merged-report.json',
            '--output',
            'sarif=merged.sarif',
          ],
          { cwd, env },
        );
        expect(merged.code, merged.stderr).toBe(whole.code);
        const read = (f: string): string => readFileSync(join(cwd, f), 'utf8');
        expect(untimed(read('merged.json'))).toEqual(untimed(read('whole.json')));
        expect(untimed(read('merged-report.json'))).toEqual(untimed(read('whole-report.json')));
        expect(read('merged.sarif')).toBe(read('whole.sarif'));
        expect(JSON.parse(read('merged.json'))).not.toHaveProperty('shard');
        expect(merged.stderr).not.toMatch(/cannot check/);
        const report = JSON.parse(read('merged-report.json')) as Report;
        expect(report.findings.length).toBeGreaterThan(0);

        // A missing shard, a shard given twice, a whole run among shards: refused, saying which.
        const refused: [string[], RegExp][] = [
          [['shard-1.json', 'shard-3.json'], /shard 2\/3 is missing: got 1\/3, 3\/3/],
          [['shard-2.json'], /shards 1\/3, 3\/3 are missing: got 2\/3/],
          [['shard-1.json', 'shard-1.json', 'shard-2.json', 'shard-3.json'], /shard 1\/3 is given twice/],
          [['shard-1.json', 'shard-2.json', 'shard-3.json', 'whole.json'], /whole\.json is not a shard/],
        ];
        for (const [files, message] of refused) {
          const result = await runCli(['merge', ...files, '--no-drift'], { cwd, env });
          expect(result.code, files.join(' ')).toBe(2);
          expect(result.stderr).toMatch(message);
        }
        // Snapshots that do not say which shard they are (an older lambda-audit's): merged as
        // before, with a warning that a missing shard would go unseen.
        for (const k of [1, 2, 3]) {
          const { shard, ...unmarked } = JSON.parse(read(`shard-${k}.json`)) as ShardSnapshot;
          expect(shard).toBeDefined();
          writeFileSync(join(cwd, `old-${k}.json`), JSON.stringify(unmarked));
        }
        const old = await runCli(
          ['merge', 'old-1.json', 'old-2.json', 'old-3.json', ...common, '--output', 'snapshot=old.json'],
          { cwd, env },
        );
        expect(old.code, old.stderr).toBe(whole.code);
        expect(old.stderr).toMatch(
          /warning: old-1\.json, old-2\.json, old-3\.json do not say which shard they are .*cannot check that no shard is missing/,
        );
        expect(untimed(read('old.json'))).toEqual(untimed(read('whole.json')));
        // Without shard fields, overlapping inputs are still refused by their account-regions.
        const twice = await runCli(['merge', 'old-1.json', 'old-1.json', '--no-drift'], { cwd, env });
        expect(twice.code).toBe(2);
        expect(twice.stderr).toMatch(/old-1\.json and old-1\.json both hold/);
        // A shard taken under another hash key is refused.
        const rekeyed = await runCli(
          ['scan', ...crawlArgs, ...common, '--shard', '2/3', '--output', 'snapshot=shard-2b.json'],
          { cwd, env: { ...env, LAMBDA_AUDIT_ENV_HASH_KEY: 'another-key-entirely-0123' } },
        );
        expect([0, 1], rekeyed.stderr).toContain(rekeyed.code);
        const other = await runCli(['merge', 'shard-1.json', 'shard-2b.json', '--no-drift'], { cwd, env });
        expect(other.code).toBe(2);
        expect(other.stderr).toMatch(/shards hash environment values under different keys/);
      },
    );
  }, 120_000);
});

describe('checkShardSet', () => {
  const hash = (index: number, count: number) => ({ index, count });
  const balanced = (index: number, count: number, balance: string) => ({ index, count, balance });
  const check = (shards: unknown[]): { error?: string; warnings: string[] } => {
    const warnings: string[] = [];
    try {
      checkShardSet(
        shards.map((shard, i) => ({ label: `s${i + 1}.json`, shard })),
        (w) => warnings.push(w),
      );
      return { warnings };
    } catch (error) {
      expect(error).toBeInstanceOf(AuditError);
      expect((error as AuditError).code).toBe('E_INPUT');
      expect((error as AuditError).exitCode).toBe(2);
      return { error: (error as Error).message, warnings };
    }
  };
  it.each<[string, unknown[], RegExp | undefined]>([
    ['every shard once', [hash(2, 3), hash(1, 3), hash(3, 3)], undefined],
    ['one shard of one', [hash(1, 1)], undefined],
    ['every shard of one balanced split', [balanced(1, 2, 'aaaaaaaaaaaa'), balanced(2, 2, 'aaaaaaaaaaaa')], undefined],
    ['a missing shard', [hash(1, 3), hash(3, 3)], /^shard 2\/3 is missing: got 1\/3, 3\/3; /],
    ['missing shards', [hash(4, 4)], /^shards 1\/4, 2\/4, 3\/4 are missing: got 4\/4; /],
    ['a shard twice', [hash(1, 2), hash(2, 2), hash(1, 2)], /^shard 1\/2 is given twice \(s1\.json and s3\.json\)/],
    ['shards of different N', [hash(1, 2), hash(2, 3)], /^shards of different N: s1\.json is 1\/2, s2\.json is 2\/3/],
    ['sharded and unsharded', [hash(1, 2), undefined, hash(2, 2)], /^s2\.json is not a shard .* s1\.json is 1\/2/],
    [
      'splits of different --shard-balance files',
      [balanced(1, 2, 'aaaaaaaaaaaa'), balanced(2, 2, 'bbbbbbbbbbbb')],
      /^shards split differently: s1\.json by --shard-balance \(aaaaaaaaaaaa\), s2\.json by --shard-balance \(bbbbbbbbbbbb\)/,
    ],
    [
      'hash and a balanced split',
      [hash(1, 2), balanced(2, 2, 'aaaaaaaaaaaa')],
      /^shards split differently: s1\.json by hash/,
    ],
    ['a malformed shard field', [hash(1, 2), { index: 3, count: 2 }], /^s2\.json: "shard" should be/],
  ])('%s', (_name, shards, error) => {
    const result = check(shards);
    if (error === undefined) expect(result.error).toBeUndefined();
    else expect(result.error).toMatch(error);
    expect(result.warnings).toEqual([]);
  });

  it('snapshots without shard fields: accepted, with a warning that completeness cannot be checked', () => {
    const result = check([undefined, undefined]);
    expect(result.error).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.stringMatching(/^lambda-audit: warning: s1\.json, s2\.json do not say which shard they are/),
    ]);
  });

  it('shardInfo: a balanced split is named by its assignment, not by the file it came from', () => {
    const assigned = (entries: [string, number][]) => ({ index: 1, count: 2, assigned: new Map(entries) });
    expect(shardInfo({ index: 2, count: 3 })).toEqual({ index: 2, count: 3 });
    const a = shardInfo(
      assigned([
        ['1/us-east-1', 1],
        ['2/us-east-1', 2],
      ]),
    );
    expect(a.balance).toMatch(/^[0-9a-f]{12}$/);
    expect(
      shardInfo(
        assigned([
          ['2/us-east-1', 2],
          ['1/us-east-1', 1],
        ]),
      ).balance,
    ).toBe(a.balance);
    expect(
      shardInfo(
        assigned([
          ['1/us-east-1', 2],
          ['2/us-east-1', 1],
        ]),
      ).balance,
    ).not.toBe(a.balance);
  });
});
