// Golden files for every format (Trivy's testdata/*.golden): the same input must give the same
// bytes. Refresh them only on purpose: `npm run golden:update`, then review the diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { FORMAT_NAMES } from '../../src/report/formats.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';

const fixtures = join(repoRoot, 'test/fixtures/report');
const update = process.env.UPDATE_GOLDEN === '1';

export async function scanFixture(format: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, stdout, stderr } = captureIo();
  const code = await run(['node', 'lambda-audit', 'scan', '--input', join(fixtures, 'snapshot.json'), '--as-of', '2026-11-22', '--no-drift', '--suppressions', join(fixtures, 'suppressions.yaml'), '--output', format, ...extra], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('golden files', () => {
  it.each(FORMAT_NAMES)('%s', async (format) => {
    const { stdout } = await scanFixture(format);
    const file = join(fixtures, 'golden', `${format}.golden`);
    if (update) writeFileSync(file, stdout);
    expect(existsSync(file), `${file} is missing: run npm run golden:update`).toBe(true);
    expect(stdout).toBe(readFileSync(file, 'utf8'));
  });
});
