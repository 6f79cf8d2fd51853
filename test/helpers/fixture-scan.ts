import { run } from '../../src/cli/main.js';
import { captureIo } from './io.js';

/**
 * Scans the report fixture (a two-account snapshot with one denied function) in-process. Paths
 * are relative to the repository, so reports that name files are the same on every clone.
 */
export async function scanFixture(
  format: string,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = captureIo();
  const code = await run(
    [
      'node',
      'lambda-audit',
      'scan',
      '--input',
      'test/fixtures/report/snapshot.json',
      '--as-of',
      '2026-11-22',
      '--no-drift',
      '--suppressions',
      'test/fixtures/report/suppressions.yaml',
      '--output',
      format,
      ...extra,
    ],
    io,
  );
  return { code, stdout: stdout(), stderr: stderr() };
}
