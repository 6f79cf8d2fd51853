/**
 * CloudFormation's YAML: the short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) become the
 * long form (`{ Ref: X }`, `{ 'Fn::GetAtt': [A, B] }`), as CloudFormation reads them. JSON is
 * YAML too, so one parser with positions serves both.
 */
import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, type Schema } from 'js-yaml';
import { parseYaml, type YamlDocument } from '../policy/yaml.js';

/** Tag name -> long-form key. `!Ref` and `!Condition` are not `Fn::`. */
const intrinsics: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  ...Object.fromEntries(
    [
      'And',
      'Base64',
      'Cidr',
      'Equals',
      'FindInMap',
      'GetAtt',
      'GetAZs',
      'If',
      'ImportValue',
      'Join',
      'Length',
      'Not',
      'Or',
      'Select',
      'Split',
      'Sub',
      'ToJsonString',
      'Transform',
    ].map((name) => [name, `Fn::${name}`]),
  ),
};

const never = (): boolean => false;

function tagsFor(tag: string, key: string) {
  const scalar = defineScalarTag(`!${tag}`, {
    // `!GetAtt Resource.Attribute` is the only scalar form with a structure of its own.
    resolve: (source) => (tag === 'GetAtt' ? { [key]: splitOnce(source) } : { [key]: source }),
    identify: never,
  });
  const sequence = defineSequenceTag(`!${tag}`, {
    create: (): unknown[] => [],
    addItem: (carrier: unknown[], item) => void carrier.push(item),
    finalize: (carrier: unknown[]) => ({ [key]: carrier }),
    identify: never,
  });
  const mapping = defineMappingTag(`!${tag}`, {
    create: (): Record<string, unknown> => ({}),
    addPair: (carrier: Record<string, unknown>, k, v) => {
      carrier[String(k)] = v;
      return '';
    },
    has: (carrier: Record<string, unknown>, k) => Object.hasOwn(carrier, String(k)),
    keys: (result: Record<string, unknown>) => Object.keys(result[key] as object),
    get: (result: Record<string, unknown>, k) => (result[key] as Record<string, unknown>)[String(k)],
    finalize: (carrier: Record<string, unknown>) => ({ [key]: carrier }),
    identify: never,
  });
  return [scalar, sequence, mapping];
}

function splitOnce(source: string): string[] {
  const dot = source.indexOf('.');
  return dot < 0 ? [source] : [source.slice(0, dot), source.slice(dot + 1)];
}

let schema: Schema | undefined;

/** Parses a CloudFormation or SAM template (YAML or JSON), keeping positions. Throws `YamlSyntaxError`. */
export function parseTemplate(text: string, filename: string): YamlDocument {
  schema ??= CORE_SCHEMA.withTags(Object.entries(intrinsics).flatMap(([tag, key]) => tagsFor(tag, key)));
  return parseYaml(text, filename, schema);
}
