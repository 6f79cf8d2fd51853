// `scan --iac` on a tree a pull request wrote, as an attacker would write it: real symlinks (to
// /dev/zero, /proc/self/environ, a file and a directory outside the tree, a loop), a FIFO, a
// cdk.out whose templateFile climbs out, a file over the size cap. Each run is a child process
// with a hard timeout: the gate must end (exit 0, 1 or 2) with one message naming the path.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { IAC_ENV } from '../helpers/iac.js';
import { tempDir } from '../helpers/temp.js';

/** Generous: the gate must not hang; a normal run takes 2-5 s here. */
const HARD_TIMEOUT_MS = 20_000;

async function gate(cwd: string, args: string[]): Promise<CliResult & { ms: number }> {
  const t0 = Date.now();
  const result = await runCli(['scan', '--no-drift', '--as-of', '2026-11-22', '--output', 'json=out/r.json', ...args], {
    cwd,
    env: IAC_ENV,
    signalAfterMs: ['SIGKILL', HARD_TIMEOUT_MS],
  });
  return { ...result, ms: Date.now() - t0 };
}

const GOOD = join(repoRoot, 'examples/sam-template.yaml');

/** A checkout with every hostile shape beside one real template, and a directory outside it. */
function hostileTree(): { cwd: string; outside: string } {
  const base = tempDir('la-hostile-');
  const cwd = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(cwd, 'infra', 'nested'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.yaml'), 'Resources: {}\n');
  copyFileSync(GOOD, join(cwd, 'infra', 'template.yaml'));
  symlinkSync('/dev/zero', join(cwd, 'infra', 'zero.yaml'));
  symlinkSync('/proc/self/environ', join(cwd, 'infra', 'environ.json'));
  symlinkSync(join(outside, 'secret.yaml'), join(cwd, 'infra', 'outside.yaml'));
  symlinkSync(outside, join(cwd, 'infra', 'nested', 'outdir'));
  symlinkSync('..', join(cwd, 'infra', 'nested', 'up')); // a directory loop inside the tree
  symlinkSync('loop-b.yaml', join(cwd, 'infra', 'loop-a.yaml'));
  symlinkSync('loop-a.yaml', join(cwd, 'infra', 'loop-b.yaml'));
  execFileSync('mkfifo', [join(cwd, 'infra', 'pipe.yaml')]);
  return { cwd, outside };
}

describe('paths named on the command line: exit 2, one message naming the path and why', () => {
  const { cwd } = hostileTree();
  it.each([
    [
      'a symlink to /dev/zero',
      'infra/zero.yaml',
      /^lambda-audit: --iac: refused infra\/zero\.yaml: leads to \/dev\/zero, under \/proc, \/sys or \/dev/,
    ],
    [
      'a symlink to /proc/self/environ',
      'infra/environ.json',
      /^lambda-audit: --iac: refused infra\/environ\.json: leads to \/proc\/\d+\/environ/,
    ],
    [
      'a symlink to a file outside its directory',
      'infra/outside.yaml',
      /^lambda-audit: --iac: refused infra\/outside\.yaml: leads out of infra \(to .*outside\/secret\.yaml\)/,
    ],
    [
      'a symlinked directory out of the tree',
      'infra/nested/outdir',
      /^lambda-audit: --iac: refused infra\/nested\/outdir: leads out of infra\/nested/,
    ],
    ['a symlink loop', 'infra/loop-a.yaml', /^lambda-audit: --iac: refused infra\/loop-a\.yaml: a symlink loop/],
    [
      'a FIFO',
      'infra/pipe.yaml',
      /^lambda-audit: --iac: refused infra\/pipe\.yaml: a FIFO \(named pipe\), not a regular file/,
    ],
    [
      '/proc itself',
      '/proc/self/environ',
      /^lambda-audit: --iac: refused .*proc\/self\/environ: under \/proc, \/sys or \/dev/,
    ],
  ])('%s', async (_what, path, message) => {
    const r = await gate(cwd, ['--iac', path]);
    expect(r.signal, 'killed by the hard timeout: the gate hung').toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.ms).toBeLessThan(HARD_TIMEOUT_MS);
  });

  it('a file over --iac-max-bytes is refused before it is read', async () => {
    const r = await gate(cwd, ['--iac', 'infra/template.yaml', '--iac-max-bytes', '1000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lambda-audit: --iac: refused infra\/template\.yaml: \d+ bytes, larger than the 1000 bytes limit per file \(raise it with --iac-max-bytes\)/,
    );
  });

  it('--iac-max-bytes takes sizes with units and refuses nonsense', async () => {
    const ok = await gate(cwd, ['--iac', 'infra/template.yaml', '--iac-max-bytes', '1MB', '--fail-on', 'none']);
    expect(ok.code).toBe(0);
    const bad = await gate(cwd, ['--iac', 'infra/template.yaml', '--iac-max-bytes', '1TB']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--iac-max-bytes expects a size from 1 byte to 512MB/);
  });
});

describe('a directory walk: a warning and a skip per refused entry, the rest judged', () => {
  it('ends, judges the real template, and names every hostile entry once', async () => {
    const { cwd } = hostileTree();
    const r = await gate(cwd, ['--iac', '.', '--fail-on', 'none']);
    expect(r.signal, 'killed by the hard timeout: the gate hung').toBeNull();
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: --iac: refused'));
    expect(warnings.map((w) => /refused (\S+):/.exec(w)?.[1]).sort()).toEqual([
      'infra/environ.json',
      'infra/loop-a.yaml',
      'infra/loop-b.yaml',
      'infra/nested/outdir',
      'infra/outside.yaml',
      'infra/pipe.yaml',
      'infra/zero.yaml',
    ]);
    // The loop inside the tree (nested/up -> ..) is not followed, and not a refusal.
    expect(r.stderr).not.toContain('nested/up');
    const report = JSON.parse(await readOut(cwd)) as { findings: { functionName: string }[] };
    expect(new Set(report.findings.map((f) => f.functionName))).toEqual(new Set(['legacy-report', 'orders-dev']));
    expect(r.ms).toBeLessThan(HARD_TIMEOUT_MS);
  });

  it('stops at the depth limit with a warning', async () => {
    const cwd = tempDir('la-deep-');
    let dir = cwd;
    for (let i = 0; i < 40; i++) dir = join(dir, 'd');
    mkdirSync(dir, { recursive: true });
    copyFileSync(GOOD, join(dir, 'template.yaml'));
    const r = await gate(cwd, ['--iac', '.', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: --iac: refused (d\/){32}d: deeper than 32 directory levels below \.; skipped/);
  });
});

describe('paths named inside inputs stay inside their root', () => {
  function cdkOut(templateFile: string): string {
    const cwd = tempDir('la-cdk-hostile-');
    mkdirSync(join(cwd, 'cdk.out'));
    writeFileSync(
      join(cwd, 'cdk.out', 'manifest.json'),
      JSON.stringify({
        version: '39.0.0',
        artifacts: {
          Evil: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://unknown-account/unknown-region',
            properties: { templateFile },
          },
        },
      }),
    );
    return cwd;
  }

  it('a cdk.out templateFile of ../../../etc/passwd is refused, not opened (exit 2 when the cdk.out is named)', async () => {
    const cwd = cdkOut('../../../etc/passwd');
    const r = await gate(cwd, ['--iac', 'cdk.out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lambda-audit: --iac: refused \S*etc\/passwd \(templateFile of cdk\.out\/manifest\.json\): outside cdk\.out; only files inside it are read\n$/,
    );
  });

  it('the same cdk.out found inside a directory walk is a warning', async () => {
    const cwd = cdkOut('../../../etc/passwd');
    const r = await gate(cwd, ['--iac', '.', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: --iac: refused \S*etc\/passwd \(templateFile of cdk\.out\/manifest\.json\): outside cdk\.out/m,
    );
  });

  it('a cdk.out templateFile that is a symlink to /proc/self/environ is refused', async () => {
    const cwd = cdkOut('stack.template.json');
    symlinkSync('/proc/self/environ', join(cwd, 'cdk.out', 'stack.template.json'));
    const r = await gate(cwd, ['--iac', 'cdk.out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /refused cdk\.out\/stack\.template\.json \(templateFile of cdk\.out\/manifest\.json\): leads to \/proc\//,
    );
  });

  it('a nested assembly naming itself does not loop', async () => {
    const cwd = tempDir('la-cdk-self-');
    mkdirSync(join(cwd, 'cdk.out'));
    writeFileSync(
      join(cwd, 'cdk.out', 'manifest.json'),
      JSON.stringify({
        version: '39.0.0',
        artifacts: { Me: { type: 'cdk:cloud-assembly', properties: { directoryName: '.' } } },
      }),
    );
    const r = await gate(cwd, ['--iac', 'cdk.out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cdk\.out assemblies nested more than 8 deep/);
  });

  it('Terraform module sources leading out of the checkout, and .tf symlinks to devices, are not read', async () => {
    const cwd = tempDir('la-tf-hostile-');
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.0',
      resource_changes: [
        {
          address: 'module.evil.aws_lambda_function.fn',
          module_address: 'module.evil',
          mode: 'managed',
          type: 'aws_lambda_function',
          name: 'fn',
          change: { actions: ['create'], after: { function_name: 'tf-fn', runtime: 'python3.12' }, after_unknown: {} },
        },
        {
          address: 'aws_lambda_function.root',
          mode: 'managed',
          type: 'aws_lambda_function',
          name: 'root',
          change: {
            actions: ['create'],
            after: { function_name: 'tf-root', runtime: 'python3.12' },
            after_unknown: {},
          },
        },
      ],
      configuration: { root_module: { module_calls: { evil: { source: '../../../../../../../../etc', module: {} } } } },
    };
    writeFileSync(join(cwd, 'plan.json'), JSON.stringify(plan));
    symlinkSync('/dev/zero', join(cwd, 'main.tf'));
    const r = await gate(cwd, ['--iac', 'plan.json', '--fail-on', 'none', '--output', 'sarif=out/r.sarif']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: --iac: refused main\.tf: leads to \/dev\/zero.*; not used to locate resources/);
    const sarif = JSON.parse(await readOut(cwd, 'r.sarif')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = new Set(
      sarif.runs.flatMap((run) => run.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri)),
    );
    expect([...uris]).toEqual(['plan.json']);
  });
});

async function readOut(cwd: string, name = 'r.json'): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(join(cwd, 'out', name), 'utf8');
}
