/**
 * Reading IaC files: text, parsing (JSON strictly, YAML with CloudFormation's tags), and the
 * errors a user sees: `file:line:col`, what was expected, never the file's content.
 */
import { relative } from 'node:path';
import { AuditError } from '../errors.js';
import { YamlSyntaxError } from '../policy/yaml.js';
import { isObject } from './sam.js';
import { isTerraformPlan } from './terraform.js';
import { parseTemplate } from './yaml.js';

export type ParsedFile = ReturnType<typeof parseTemplate>;

export function parse(text: string, rel: string): ParsedFile {
  // JSON is YAML, but YAML forgives what CloudFormation and Terraform do not (a trailing comma).
  if (text.trimStart().startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      // A plan needs no positions (it is located on its .tf files): the YAML pass over a 50 MB
      // plan took two thirds of its time.
      if (isTerraformPlan(value)) {
        // The YAML parser refuses nesting past 100 levels; the plan walkers recurse, so likewise.
        if (deeperThan(value, MAX_NESTING))
          throw new AuditError(
            'E_INPUT',
            `${rel}: nesting exceeded maxDepth (${MAX_NESTING}); expected the JSON of "terraform show -json"`,
          );
        return { value, position: () => ({ line: 1, column: 1 }) };
      }
    } catch (error) {
      if (error instanceof AuditError) throw error;
      const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/,? ?".*$/s, '');
      throw new AuditError(
        'E_INPUT',
        `${rel}:${line}:${column}: not valid JSON (${reason}); expected a CloudFormation template, a cdk.out manifest or a Terraform plan JSON`,
        { cause: error },
      );
    }
  }
  try {
    return parseTemplate(text, rel);
  } catch (error) {
    if (error instanceof YamlSyntaxError)
      throw new AuditError(
        'E_INPUT',
        `${rel}:${error.position.line}:${error.position.column}: not valid YAML or JSON: ${error.reason}; expected a CloudFormation/SAM template, a cdk.out manifest or a Terraform plan JSON`,
        { cause: error },
      );
    throw error;
  }
}

/** As js-yaml's `maxDepth` for templates. */
const MAX_NESTING = 100;

/** Whether `value` nests arrays and objects more than `max` deep (iterative: no stack to overflow). */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Every resource must be a map with a `Type`: say where one is not (never quoting the value). */
export function checkResources(
  template: Record<string, unknown>,
  rel: string,
  position: (pointer: string, key?: boolean) => { line: number; column: number },
): void {
  const at = (pointer: string): string => {
    const p = position(pointer, true);
    return `${rel}:${p.line}:${p.column}`;
  };
  if (!isObject(template.Resources))
    throw new AuditError('E_INPUT', `${at('/Resources')}: Resources: expected a map of logical id to resource`);
  for (const [id, resource] of Object.entries(template.Resources)) {
    const pointer = `/Resources/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!isObject(resource) || typeof resource.Type !== 'string')
      throw new AuditError('E_INPUT', `${at(pointer)}: Resources.${id}: expected a map with a Type string`);
    if (resource.Properties !== undefined && !isObject(resource.Properties))
      throw new AuditError('E_INPUT', `${at(`${pointer}/Properties`)}: Resources.${id}.Properties: expected a map`);
  }
}

export function relativePath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs).split('\\').join('/');
  return rel === '' ? '.' : rel;
}
