/**
 * Start-up: what a command loads before it does its work (the lazy-loading rule at the top of
 * src/cli/main.ts). A loader hook in the child records every module URL it loads, and a preload
 * writes a marker into the same file when the process sends its first HTTP request, so the test
 * sees exactly what a scan loaded before its first API call.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir, track } from '../helpers/temp.js';

const FIRST_REQUEST = '--- first HTTP request ---';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}
`;

const PRELOAD = (hooks: string): string => `
import { register } from 'node:module';
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(hooks)});
let seen = false;
subscribe('http.client.request.start', () => {
  if (seen) return;
  seen = true;
  appendFileSync(process.env.LOADED_LOG, ${JSON.stringify(FIRST_REQUEST)} + '\\n');
});
`;

/** The CLI from source (tsx), with the recording hook; returns what it loaded, in order. */
async function loadedBy(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; loaded: string[] }> {
  const dir = tempDir('la-startup-');
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'preload.mjs'), PRELOAD(pathToFileURL(join(dir, 'hooks.mjs')).href));
  const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = track(
    spawn(
      process.execPath,
      ['--import', tsx, '--import', join(dir, 'preload.mjs'), join(repoRoot, 'test/helpers/cli-entry.ts'), ...args],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          AWS_CONFIG_FILE: join(dir, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
          AWS_EC2_METADATA_DISABLED: 'true',
          LOADED_LOG: log,
          ...env,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    ),
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Our own modules among the URLs, as paths under src/ (`cli/main.ts`). */
const ours = (urls: readonly string[]): string[] =>
  urls.flatMap((u) => {
    const m = /\/src\/(.+)\.ts$/.exec(u);
    return m ? [m[1]!] : [];
  });

/** Modules no scan needs before its first request (and `--version` never). */
const NOT_BEFORE_THE_CRAWL = [
  /^simulator\//,
  /^iac\//,
  /^input\//,
  /^org\/(plan|accounts|regions|merge)$/,
  /^report\/(formats|html|html-client|html-trend|json|json-chunks|junit|markdown|ocsf|asff|sarif|sarif-split|text|gate)$/,
  /^drift\//,
  /^state\/(file|judged)$/,
  /^cli\/(simulate|validate|baseline|scan-finish)$/,
  /^rules\/(evaluate|accepted)$/,
];

const offenders = (modules: readonly string[], rules: readonly RegExp[]): string[] =>
  modules.filter((m) => rules.some((r) => r.test(m)));

describe('start-up: what a command loads', () => {
  it('--version loads the command line and nothing of the commands', async () => {
    const { code, loaded } = await loadedBy(['--version']);
    expect(code).toBe(0);
    const modules = ours(loaded);
    expect(modules).toContain('cli/main');
    expect(offenders(modules, [...NOT_BEFORE_THE_CRAWL, /^crawl\//, /^rules\//, /^policy\//, /^cli\/scan$/])).toEqual(
      [],
    );
    expect(loaded.filter((u) => /node_modules\/(@aws-sdk|@smithy|ajv)/.test(u))).toEqual([]);
  });

  it('scan --help loads no command module', async () => {
    const { code, loaded } = await loadedBy(['scan', '--help']);
    expect(code).toBe(0);
    expect(offenders(ours(loaded), [...NOT_BEFORE_THE_CRAWL, /^crawl\//, /^cli\/scan$/])).toEqual([]);
  });

  it('a malformed policy is refused before any request, with none of the crawl-time modules loaded', async () => {
    const dir = tempDir('la-startup-policy-');
    const policy = join(dir, 'bad.yaml');
    writeFileSync(policy, 'rules:\n  - id: Not An Id\n');
    const { code, stderr, loaded } = await loadedBy(['scan', '--regions', 'us-east-1', '--policy', policy], {
      AWS_ACCESS_KEY_ID: 'AKIDSTARTUP',
      AWS_SECRET_ACCESS_KEY: 'startup-secret',
    });
    expect(code, stderr).toBe(2);
    expect(loaded).not.toContain(FIRST_REQUEST);
    expect(offenders(ours(loaded), NOT_BEFORE_THE_CRAWL)).toEqual([]);
  });

  describe('a live scan', () => {
    let server: Server;
    let endpoint: string;
    beforeAll(async () => {
      // An empty Lambda API: every ListFunctions answers no functions.
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Functions: [] }));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('loads the second half of scan (rules engine, formats) only after its first request', async () => {
      const dir = tempDir('la-startup-scan-');
      const { code, stderr, loaded } = await loadedBy(
        [
          'scan',
          ...['--endpoint', endpoint, '--regions', 'us-east-1', '--no-drift', '--fail-on', 'none', '-q'],
          ...['--no-exposure', '--no-roles', '--no-capacity-providers', '--no-log-groups', '--no-event-sources'],
          ...['--no-code-signing', '--no-security-groups', '--threads', '1'],
          ...['--output', `json=${join(dir, 'report.json')}`],
        ],
        {
          AWS_ACCESS_KEY_ID: 'AKIDSTARTUP',
          AWS_SECRET_ACCESS_KEY: 'startup-secret',
          LAMBDA_AUDIT_ENV_HASH_KEY: 'startup-test-hash-key-0123456789',
        },
      );
      expect(code, stderr).toBe(0);
      const first = loaded.indexOf(FIRST_REQUEST);
      expect(first, 'the scan sent no request').toBeGreaterThan(0);
      const before = ours(loaded.slice(0, first));
      expect(before).toContain('crawl/crawler');
      expect(before).toContain('policy/load'); // the policies are checked before the crawl
      expect(offenders(before, NOT_BEFORE_THE_CRAWL)).toEqual([]);
      // The built-in policies come precompiled (policy/builtin.ts): no YAML parser before the crawl.
      expect(before).not.toContain('policy/yaml');
      expect(loaded.slice(0, first).filter((u) => /node_modules\/js-yaml\//.test(u))).toEqual([]);
      // And what it left out, it loaded when it needed it: the report was written.
      const after = ours(loaded.slice(first));
      expect(after).toContain('cli/scan-finish');
      expect(after).toContain('report/json');
      expect(after).not.toContain('simulator/server');
      expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toHaveProperty('findings');
    });
  });
});
