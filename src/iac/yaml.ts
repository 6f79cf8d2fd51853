/**
 * CloudFormation's YAML: the short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) become the
 * long form (`{ Ref: X }`, `{ 'Fn::GetAtt': [A, B] }`), as CloudFormation reads them. JSON is
 * YAML too, so one parser with positions serves both.
 */
import {
  CORE_SCHEMA,
  EVENT_ID,
  YAMLException,
  constructFromEvents,
  defineMappingTag,
  defineScalarTag,
  defineSequenceTag,
  parseEvents,
  type Event,
  type Schema,
} from 'js-yaml';
import { positionFinder, YamlSyntaxError, type YamlDocument } from '../policy/yaml.js';

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

/**
 * Parses a CloudFormation or SAM template (YAML or JSON). Throws `YamlSyntaxError`. Positions are
 * kept for the keys of the first two levels (`/Resources/<logical id>`), which is what locations
 * need; deeper pointers fall back to their resource. (`parseYaml` keeps every node: on a
 * 5,000-resource template that was most of the time.)
 */
export function parseTemplate(text: string, filename: string): YamlDocument {
  schema ??= CORE_SCHEMA.withTags(Object.entries(intrinsics).flatMap(([tag, key]) => tagsFor(tag, key)));
  let events: Event[];
  let value: unknown;
  try {
    events = parseEvents(text, { filename });
    [value] = constructFromEvents(events, { source: text, filename, schema });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as YAMLException & { mark?: { line: number; column: number } }).mark;
      throw new YamlSyntaxError(error.reason, { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 });
    }
    throw error;
  }
  const keys = keyOffsets(events, text);
  const toPosition = positionFinder(text);
  return {
    value,
    position(pointer) {
      for (let p = pointer; p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
        const offset = keys.get(p);
        if (offset !== undefined) return toPosition(offset);
      }
      return { line: 1, column: 1 };
    },
  };
}

/** Offsets of the keys at depth 1 and 2 (`/Resources`, `/Resources/Fn`), by JSON pointer. */
function keyOffsets(events: readonly Event[], text: string): Map<string, number> {
  const keys = new Map<string, number>();
  // One frame per open collection: whether the next scalar is a key, and the pointer of the collection.
  const stack: { mapping: boolean; atKey: boolean; pointer: string; key: string }[] = [];
  const childPointer = (): string | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (!top.mapping || stack.length > 2) return undefined;
    return `${top.pointer}/${escape(top.key)}`;
  };
  const consumed = (): void => {
    const top = stack[stack.length - 1];
    if (top?.mapping) top.atKey = true;
  };
  for (const event of events) {
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      const pointer = childPointer() ?? '\u0000';
      stack.push({ mapping: event.type === EVENT_ID.MAPPING, atKey: true, pointer, key: '' });
    } else if (event.type === EVENT_ID.SCALAR) {
      const top = stack[stack.length - 1];
      if (top?.mapping && top.atKey) {
        top.key = text.slice(event.valueStart, event.valueEnd).replace(/^["']|["']$/g, '');
        top.atKey = false;
        if (stack.length <= 2 && top.pointer !== '\u0000')
          keys.set(
            `${top.pointer}/${escape(top.key)}`,
            firstOffset(event.anchorStart, event.tagStart, event.valueStart),
          );
      } else consumed();
    } else if (event.type === EVENT_ID.ALIAS) {
      consumed();
    } else if (event.type === EVENT_ID.POP) {
      if (stack.length > 0) {
        stack.pop();
        consumed();
      }
    }
  }
  return keys;
}

function firstOffset(...offsets: number[]): number {
  const valid = offsets.filter((o) => o >= 0);
  return valid.length > 0 ? Math.min(...valid) : 0;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
