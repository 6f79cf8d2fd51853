/**
 * The package's own YAML documents come precompiled (src/policy/builtin.ts): generated from the
 * files as they are now, the same value and positions as parsing them, and used only while the
 * file on disk is the one they were made from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_FILES, GENERATED, generate } from '../../scripts/precompile-policies.js';
import { builtinDocument } from '../../src/policy/builtin.js';
import { POLICIES_DIR, readDocument, validatePolicies } from '../../src/policy/load.js';
import { parseYaml, parseYamlOffsets } from '../../src/policy/yaml.js';

describe('precompiled built-in documents', () => {
  it('are generated from the files as they are (else: npm run policies:precompile)', () => {
    expect(readFileSync(GENERATED, 'utf8') === generate(), 'run npm run policies:precompile').toBe(true);
  });

  it('give the value and every position that parsing gives', async () => {
    for (const { name, validatedAs } of BUILTIN_FILES) {
      const file = `${POLICIES_DIR}${name}`;
      const ctx = await readDocument(file);
      expect(ctx.validatedAs).toBe(validatedAs);
      const text = readFileSync(file, 'utf8');
      const parsed = parseYaml(text, file);
      expect(ctx.doc.value).toEqual(parsed.value);
      const { offsets } = parseYamlOffsets(text, file);
      expect(offsets.values.size).toBeGreaterThan(100);
      for (const pointer of offsets.values.keys()) {
        expect(ctx.doc.position(pointer), pointer).toEqual(parsed.position(pointer));
        expect(ctx.doc.position(pointer, true), pointer).toEqual(parsed.position(pointer, true));
      }
      // A pointer with no node of its own: its nearest parent's.
      expect(ctx.doc.position('/rules/0/no-such-key')).toEqual(parsed.position('/rules/0/no-such-key'));
    }
  });

  it('are fresh objects for each reader (a change to one does not reach the next)', async () => {
    const a = await readDocument(`${POLICIES_DIR}lambda.yaml`);
    (a.doc.value as { rules: unknown[] }).rules.length = 0;
    const b = await readDocument(`${POLICIES_DIR}lambda.yaml`);
    expect((b.doc.value as { rules: unknown[] }).rules.length).toBeGreaterThan(10);
  });

  it('are not used for a file that changed since, nor for a file elsewhere of the same name', () => {
    const file = `${POLICIES_DIR}lambda.yaml`;
    const bytes = readFileSync(file);
    expect(builtinDocument(file, bytes, POLICIES_DIR)).toBeDefined();
    const edited = Buffer.concat([bytes, Buffer.from('\n# edited\n')]);
    expect(builtinDocument(file, edited, POLICIES_DIR)).toBeUndefined();
    expect(builtinDocument('/tmp/policies/lambda.yaml', bytes, POLICIES_DIR)).toBeUndefined();
    expect(builtinDocument(`${POLICIES_DIR}sub/lambda.yaml`, bytes, POLICIES_DIR)).toBeUndefined();
  });

  it('still report a user policy that reuses a built-in rule id, at the built-in rule line', async () => {
    const builtin = await readDocument(`${POLICIES_DIR}lambda.yaml`);
    const first = (builtin.doc.value as { rules: { id: string }[] }).rules[0]!.id;
    const user = {
      file: 'mine.yaml',
      doc: parseYaml(
        `version: 1\nrules:\n  - id: ${first}\n    title: t\n    severity: low\n    description: d\n    remediation: r\n    condition: { path: name, exists: true }\n    message: m\n`,
        'mine.yaml',
      ),
    };
    const { issues } = validatePolicies([builtin, user]);
    const duplicate = issues.find((i) => i.code === 'duplicate-id');
    const line = builtin.doc.position('/rules/0').line;
    expect(duplicate?.message).toContain(`lambda.yaml:${line}`);
  });
});
