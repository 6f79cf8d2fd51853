// Accounts the organisation run left out (suspended, closed, excluded) are in the snapshot and the
// JSON report, not only on stderr; merge names them once however many shards carry them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp.js';

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/report/snapshot.json'), 'utf8')) as Snapshot;
const skipped = [
  { account: '333333333333', name: 'old-sandbox', reason: 'SUSPENDED' },
  { account: '444444444444', reason: 'excluded (--exclude-accounts)' },
];

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = captureIo({ cwd });
  const code = await run(['node', 'lambda-audit', ...args, '--as-of', '2026-11-22', '--no-drift'], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

interface Report {
  skippedAccounts: unknown[];
}

describe('skipped accounts', () => {
  it('a snapshot that names them is valid, and the JSON report lists them', async () => {
    const dir = tempDir('la-skipped-');
    const snapshot = { ...fixture, skippedAccounts: skipped };
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    writeFileSync(join(dir, 's.json'), JSON.stringify(snapshot));
    const result = await cli(['scan', '--input', 's.json', '--output', 'json', '--fail-on', 'none'], dir);
    expect(result.code, result.stderr).toBe(3); // the fixture holds a function that could not be fetched
    const report = JSON.parse(result.stdout) as Report;
    expect(report.skippedAccounts).toEqual(skipped);
    expect(schemaErrors('report', report)).toBeUndefined();
  });

  it('the text and Markdown reports name them', async () => {
    const dir = tempDir('la-skipped-');
    writeFileSync(join(dir, 's.json'), JSON.stringify({ ...fixture, skippedAccounts: skipped }));
    const text = (await cli(['scan', '--input', 's.json', '--output', 'text', '--fail-on', 'none'], dir)).stdout;
    expect(text).toContain(
      'skipped 2 account(s): 333333333333 (old-sandbox): SUSPENDED; 444444444444: excluded (--exclude-accounts)',
    );
    const markdown = (await cli(['scan', '--input', 's.json', '--output', 'markdown', '--fail-on', 'none'], dir))
      .stdout;
    expect(markdown).toContain('Skipped 2 account(s), not crawled: 333333333333 (old-sandbox): SUSPENDED;');
  });

  it('a run without any lists none', async () => {
    const dir = tempDir('la-skipped-');
    writeFileSync(join(dir, 's.json'), JSON.stringify(fixture));
    const report = JSON.parse(
      (await cli(['scan', '--input', 's.json', '--output', 'json', '--fail-on', 'none'], dir)).stdout,
    ) as Report;
    expect(report.skippedAccounts).toEqual([]);
  });

  it('merge keeps them, once, from shards that each carry them', async () => {
    const dir = tempDir('la-skipped-');
    const accounts = [...new Set(fixture.regions.map((r) => r.account))];
    expect(accounts.length).toBeGreaterThan(1);
    for (const [i, account] of accounts.entries())
      writeFileSync(
        join(dir, `shard-${i + 1}.json`),
        JSON.stringify({
          ...fixture,
          regions: fixture.regions.filter((r) => r.account === account),
          functions: fixture.functions.filter((f) => f.account === account),
          // Every shard of one run names the same skipped accounts, in its own order.
          skippedAccounts: i % 2 === 0 ? skipped : [...skipped].reverse(),
        }),
      );
    const result = await cli(
      ['merge', ...accounts.map((_, i) => `shard-${i + 1}.json`), '--output', 'json', '--output', 'snapshot=m.json'],
      dir,
    );
    expect([0, 1], result.stderr).toContain(result.code);
    expect((JSON.parse(result.stdout) as Report).skippedAccounts).toEqual(skipped);
    const merged = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as Snapshot;
    expect(merged.skippedAccounts).toEqual(skipped);
    expect(schemaErrors('snapshot', merged)).toBeUndefined();
  });
});
