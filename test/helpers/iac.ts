import { run } from '../../src/cli/main.js';
import type { Finding, NotJudgedCount } from '../../src/rules/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { captureIo } from './io.js';

export const IAC_ENV = { LAMBDA_AUDIT_ENV_HASH_KEY: 'iac-test-hash-key-0123456789' };

/** `lambda-audit scan --iac ...` in-process, from the repository root, with the given output format. */
export async function scanIac(
  args: string[],
  format = 'json',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = captureIo({ env: IAC_ENV });
  const code = await run(
    ['node', 'lambda-audit', 'scan', '--as-of', '2026-11-22', '--no-drift', '--output', format, ...args],
    io,
  );
  return { code, stdout: stdout(), stderr: stderr() };
}

export async function iacReport(args: string[]): Promise<{ findings: Finding[]; notJudged: NotJudgedCount[] }> {
  const result = await scanIac(args);
  if (result.stdout === '') throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { findings: Finding[]; notJudged: NotJudgedCount[] };
}

export async function iacSnapshot(args: string[]): Promise<Snapshot> {
  const result = await scanIac(args, 'snapshot');
  if (result.stdout === '') throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Snapshot;
}

/** `rule function` lines, sorted: what a test expects to fire. */
export function fired(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.functionName}`).sort();
}
