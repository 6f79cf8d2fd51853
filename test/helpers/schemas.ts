import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { repoRoot } from './cli.js';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
for (const name of ['snapshot', 'report'])
  ajv.addSchema(JSON.parse(readFileSync(join(repoRoot, `schemas/${name}.schema.json`), 'utf8')) as object);

/** Validates against a shipped schema; returns the first errors as text, or undefined when valid. */
export function schemaErrors(name: 'snapshot' | 'report', value: unknown): string | undefined {
  const validate = ajv.getSchema(`https://lambda-audit.dev/schemas/${name}-1.json`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate(value) ? undefined : JSON.stringify(validate.errors?.slice(0, 5));
}
