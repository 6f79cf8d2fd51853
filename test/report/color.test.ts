import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';

const snapshot = join(repoRoot, 'test/fixtures/report/snapshot.json');

async function textOut(args: string[], env: Record<string, string> = {}): Promise<string> {
  const captured = captureIo({ env });
  Object.assign(captured.io.stdout, { isTTY: true });
  await run(
    [
      'node',
      'lambda-audit',
      'scan',
      '--input',
      snapshot,
      '--no-drift',
      '--as-of',
      '2026-11-22',
      '--output',
      'text',
      ...args,
    ],
    captured.io,
  );
  return captured.stdout();
}

describe('colour', () => {
  it('colours severities on a terminal, and not with NO_COLOR or --no-color', async () => {
    expect(await textOut([])).toContain('\x1b[31m');
    expect(await textOut([], { NO_COLOR: '1' })).not.toContain('\x1b[');
    expect(await textOut(['--no-color'])).not.toContain('\x1b[');
  });
});
