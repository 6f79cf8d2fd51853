import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasBaselines } from '../../src/drift/compare.js';

describe('hasBaselines', () => {
  it('is false for a missing or empty baselines directory (the repository ships baselines/.gitkeep)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-has-'));
    expect(await hasBaselines(join(dir, 'nope'))).toBe(false);
    writeFileSync(join(dir, '.gitkeep'), '');
    expect(await hasBaselines(dir)).toBe(false);
    mkdirSync(join(dir, '123456789012'));
    expect(await hasBaselines(dir)).toBe(false);
    writeFileSync(join(dir, '123456789012', 'us-east-1.json'), '{}');
    expect(await hasBaselines(dir)).toBe(true);
  });
});
