// Accounts the organisation run left out (suspended, closed, excluded) are in the snapshot and
// every report that describes the run (JSON, text, Markdown, HTML, SARIF), not only on stderr;
// merge names them once however many shards carry them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
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

const ajv = new Ajv4.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validSarif = ajv.compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object,
);

interface Notification {
  level: string;
  descriptor: { id: string };
  message: { text: string };
  properties?: Record<string, string>;
}
interface SarifLog {
  runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications?: Notification[] }[] }[];
}

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
    expect(markdown).toContain('Skipped 2 account(s), not crawled: `333333333333` (`old-sandbox`): `SUSPENDED`;');
  });

  it('the HTML report names them in a table of their own, escaped', async () => {
    const dir = tempDir('la-skipped-');
    const named = [...skipped, { account: '555555555555', name: '<b>lab</b>', reason: 'state CLOSED' }];
    writeFileSync(join(dir, 's.json'), JSON.stringify({ ...fixture, skippedAccounts: named }));
    const html = (await cli(['scan', '--input', 's.json', '--output', 'html', '--fail-on', 'none'], dir)).stdout;
    const table = html.slice(html.indexOf('id="skipped-accounts"')).split('</table>')[0]!;
    expect(html).toContain('<h2>Skipped accounts</h2>');
    expect(table).toContain('<td>333333333333</td><td>old-sandbox</td><td>SUSPENDED</td>');
    expect(table).toContain('<td>444444444444</td><td></td><td>excluded (--exclude-accounts)</td>');
    expect(table).toContain('<td>&lt;b&gt;lab&lt;/b&gt;</td>');
    expect(html).not.toContain('<b>lab</b>');
    // Without any, no section (the golden HTML has none).
    writeFileSync(join(dir, 'none.json'), JSON.stringify(fixture));
    const plain = (await cli(['scan', '--input', 'none.json', '--output', 'html', '--fail-on', 'none'], dir)).stdout;
    expect(plain).not.toContain('Skipped accounts');
  });

  it("SARIF: a note per skipped account in every run's invocation; valid against the OASIS schema", async () => {
    const dir = tempDir('la-skipped-');
    writeFileSync(join(dir, 's.json'), JSON.stringify({ ...fixture, skippedAccounts: skipped }));
    const log = JSON.parse(
      (await cli(['scan', '--input', 's.json', '--output', 'sarif', '--fail-on', 'none'], dir)).stdout,
    ) as SarifLog;
    expect(validSarif(log), JSON.stringify(validSarif.errors?.slice(0, 3))).toBe(true);
    expect(log.runs).toHaveLength(2);
    for (const run of log.runs) {
      const notes = run.invocations[0]!.toolExecutionNotifications!.filter(
        (n) => n.descriptor.id === 'account-skipped',
      );
      expect(notes).toEqual([
        {
          level: 'note',
          descriptor: { id: 'account-skipped' },
          message: { text: 'account 333333333333 (old-sandbox) skipped, not crawled: SUSPENDED' },
          properties: { account: '333333333333', name: 'old-sandbox', reason: 'SUSPENDED' },
        },
        {
          level: 'note',
          descriptor: { id: 'account-skipped' },
          message: { text: 'account 444444444444 skipped, not crawled: excluded (--exclude-accounts)' },
          properties: { account: '444444444444', reason: 'excluded (--exclude-accounts)' },
        },
      ]);
    }
    // Skipping is not a failure: the complete account's run stays successful; the other keeps its gap.
    expect(log.runs.map((r) => r.invocations[0]!.executionSuccessful)).toEqual([true, false]);
    expect(log.runs[1]!.invocations[0]!.toolExecutionNotifications![0]!.descriptor.id).toBe('crawl-incomplete');
  });

  it('JUnit: a skipped case per skipped account in the crawl suite', async () => {
    const dir = tempDir('la-skipped-');
    writeFileSync(join(dir, 's.json'), JSON.stringify({ ...fixture, skippedAccounts: skipped }));
    const xml = (await cli(['scan', '--input', 's.json', '--output', 'junit', '--fail-on', 'none'], dir)).stdout;
    const suite = xml.slice(xml.indexOf('<testsuite name="crawl"')).split('</testsuite>')[0]!;
    expect(suite).toMatch(/^<testsuite name="crawl" tests="(\d+)" failures="(\d+)" skipped="2">/);
    const [, tests, failures] = /tests="(\d+)" failures="(\d+)"/.exec(suite)!;
    expect(Number(tests) - Number(failures)).toBe(2);
    expect(suite).toContain(
      '<testcase classname="crawl" name="333333333333 (old-sandbox)">\n      <skipped message="account skipped, not crawled: SUSPENDED"/>',
    );
    expect(suite).toContain('<skipped message="account skipped, not crawled: excluded (--exclude-accounts)"/>');
    expect(xml).toMatch(/<testsuites name="lambda-audit" tests="\d+" failures="\d+" skipped="2">/);
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
