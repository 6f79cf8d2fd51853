import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import baselineSchema from '../../src/drift/baseline.schema.js';
import { repoRoot } from '../helpers/cli.js';

describe('baseline schema', () => {
  it('the shipped schemas/baseline.schema.json is the one the code validates with', () => {
    const shipped = JSON.parse(readFileSync(join(repoRoot, 'schemas/baseline.schema.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(shipped).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'lambda-audit baseline, schemaVersion 1',
      ...JSON.parse(JSON.stringify(baselineSchema)),
    });
  });
});
