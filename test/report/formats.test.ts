// Golden files for every format (Trivy's testdata/*.golden): the same input must give the same
// bytes. Refresh them only on purpose: `npm run golden:update`, then review the diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/report/formats.js';
import { repoRoot } from '../helpers/cli.js';
import { scanFixture } from '../helpers/fixture-scan.js';

const fixtures = join(repoRoot, 'test/fixtures/report');
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden files', () => {
  it.each(FORMAT_NAMES)('%s', async (format) => {
    const { stdout } = await scanFixture(format);
    const file = join(fixtures, 'golden', `${format}.golden`);
    if (update) writeFileSync(file, stdout);
    expect(existsSync(file), `${file} is missing: run npm run golden:update`).toBe(true);
    expect(stdout).toBe(readFileSync(file, 'utf8'));
  });
});
