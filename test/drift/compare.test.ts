import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaselines } from '../../src/drift/compare.js';
import { tempDir } from '../helpers/temp.js';

describe('loadBaselines', () => {
  it('is empty for a missing or empty baselines directory (the repository ships baselines/.gitkeep)', async () => {
    const dir = tempDir('la-has-');
    expect((await loadBaselines(join(dir, 'nope'))).size).toBe(0);
    writeFileSync(join(dir, '.gitkeep'), '');
    mkdirSync(join(dir, '123456789012'));
    expect((await loadBaselines(dir)).size).toBe(0);
  });

  it('stops on a corrupt baseline before anything is crawled, naming the file', async () => {
    const dir = tempDir('la-has-');
    mkdirSync(join(dir, '123456789012'));
    writeFileSync(join(dir, '123456789012', 'us-east-1.json'), '{}');
    await expect(loadBaselines(dir)).rejects.toThrow(/us-east-1\.json has schemaVersion undefined/);
  });
});
