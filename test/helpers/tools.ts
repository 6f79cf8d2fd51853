/**
 * Tests that need a tool beyond Node skip, with a notice naming what is missing, when the tool is
 * absent; `.ci/run` makes sure every tool is there so CI runs them all. Use it like this:
 *
 *   import { describeWithTool } from '../helpers/tools.js';
 *   describeWithTool('moto', 'crawl against moto', () => { beforeAll(...); it(...); });
 *
 * or, for single tests, `it.skipIf(!hasTerraform())(...)` after `skipNotice('terraform', 'plan input')`.
 *
 * `LAMBDA_AUDIT_TEST_WITHOUT=python3,terraform` (comma-separated tool names, or `all`) makes the
 * helpers report those tools as missing, to check the skip path on a machine that has them.
 * `LAMBDA_AUDIT_TEST_REQUIRE=moto,chromium` (set by `.ci/run`) turns a missing tool into a failure
 * instead of a skip, so CI never passes by skipping.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';

export type Tool = 'moto' | 'terraform' | 'cfn-lint' | 'chromium';

interface ToolCheck {
  /** What the notice says is missing, and how to get it. */
  readonly needs: string;
  /** Names in LAMBDA_AUDIT_TEST_WITHOUT that hide this tool. */
  readonly names: readonly string[];
  readonly probe: () => boolean;
}

/** True when `command args` runs and exits 0 within a few seconds. */
function runs(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 15_000 });
  return r.error === undefined && r.status === 0;
}

const checks: Record<Tool, ToolCheck> = {
  moto: {
    needs: 'python3 with moto and boto3 (pip install "moto[server]" boto3)',
    names: ['python3', 'moto'],
    probe: () => runs('python3', ['-c', 'import moto, boto3']),
  },
  terraform: {
    needs: `terraform on PATH and the hashicorp/aws 5.100.0 provider mirror at ${terraformMirror()} (TF_MIRROR)`,
    names: ['terraform'],
    probe: () =>
      runs('terraform', ['version']) &&
      existsSync(join(terraformMirror(), 'registry.terraform.io/hashicorp/aws/5.100.0')),
  },
  'cfn-lint': {
    needs: 'cfn-lint on PATH (pip install cfn-lint)',
    names: ['cfn-lint'],
    probe: () => runs('cfn-lint', ['--version']),
  },
  chromium: {
    needs: "Debian's chromium package (apt-get install chromium; no browser download)",
    names: ['chromium'],
    probe: () => existsSync('/usr/bin/chromium') && runs('/usr/bin/chromium', ['--version']),
  },
};

/** The local filesystem mirror of the Terraform provider (the fixtures' generate.sh scripts use it too). */
export function terraformMirror(): string {
  return process.env.TF_MIRROR ?? '/opt/tf-plugins';
}

const cache = new Map<Tool, boolean>();

function hidden(tool: Tool): boolean {
  const without = (process.env.LAMBDA_AUDIT_TEST_WITHOUT ?? '').split(',').map((s) => s.trim());
  return without.includes('all') || checks[tool].names.some((name) => without.includes(name));
}

/** Whether `tool` is there (probed once per test file). */
export function hasTool(tool: Tool): boolean {
  if (hidden(tool)) return false;
  let present = cache.get(tool);
  if (present === undefined) cache.set(tool, (present = checks[tool].probe()));
  return present;
}

export const hasMoto = (): boolean => hasTool('moto');
export const hasTerraform = (): boolean => hasTool('terraform');
export const hasCfnLint = (): boolean => hasTool('cfn-lint');
export const hasChromium = (): boolean => hasTool('chromium');

/**
 * Prints the notice for `what` (a suite or test name) when `tool` is missing, and returns whether
 * to skip: `it.skipIf(skipNotice('terraform', 'plan input'))(...)`.
 */
export function skipNotice(tool: Tool, what: string): boolean {
  if (hasTool(tool)) return false;
  const required = (process.env.LAMBDA_AUDIT_TEST_REQUIRE ?? '').split(',').map((s) => s.trim());
  if (required.includes(tool))
    throw new Error(`${what}: needs ${checks[tool].needs}, and LAMBDA_AUDIT_TEST_REQUIRE says it must run here`);
  console.warn(`[skipped] ${what}: needs ${checks[tool].needs}, which is missing here`);
  return true;
}

/** `describe` that skips, with the notice, when `tool` is missing. */
export function describeWithTool(tool: Tool, name: string, body: () => void): void {
  if (skipNotice(tool, name)) describe.skip(name, body);
  else describe(name, body);
}
