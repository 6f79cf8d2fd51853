/**
 * YAML with positions: js-yaml's event stream gives source offsets, from which we map every JSON
 * pointer (`/rules/0/condition/any/1/path`) to a line and column, for the key and for the value.
 * Validation errors can then say exactly where the mistake is.
 */
import { EVENT_ID, YAMLException, constructFromEvents, parseEvents, type Event } from 'js-yaml';
import { documentOf, positionFinder, type NodeOffsets, type Position, type YamlDocument } from './document.js';

export { positionFinder, type Position, type YamlDocument };

export class YamlSyntaxError extends Error {
  override readonly name = 'YamlSyntaxError';
  constructor(
    readonly reason: string,
    readonly position: Position,
  ) {
    super(reason);
  }
}

interface Frame {
  readonly kind: 'mapping' | 'sequence';
  readonly pointer: string;
  index: number;
  /** For mappings: the pending key, once its scalar was read. */
  key: string | undefined;
}

export function parseYaml(text: string, filename: string): YamlDocument {
  const { value, offsets } = parseYamlOffsets(text, filename);
  return documentOf(value, offsets, positionFinder(text));
}

/** The value, and where each node (and each mapping key) starts in the text. */
export function parseYamlOffsets(text: string, filename: string): { value: unknown; offsets: NodeOffsets } {
  let events: Event[];
  let value: unknown;
  try {
    events = parseEvents(text, { filename });
    [value] = constructFromEvents(events, { source: text, filename });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as YAMLException & { mark?: { line: number; column: number; position: number } }).mark;
      // js-yaml reports an unclosed quote where the text after it stops making sense, often lines
      // later ("deficient indentation"): point at the quote instead.
      const quote = mark === undefined ? undefined : openQuoteAt(text, mark.position);
      if (quote !== undefined && quote.line <= mark!.line)
        throw new YamlSyntaxError(
          `this ${quote.char === '"' ? 'double' : 'single'}-quoted string is never closed (add the closing ${quote.char})`,
          { line: quote.line + 1, column: quote.column + 1 },
        );
      throw new YamlSyntaxError(error.reason, { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 });
    }
    throw error;
  }
  const values = new Map<string, number>();
  const keys = new Map<string, number>();
  const stack: Frame[] = [];
  /** The pointer the next node will have, and records where it starts. */
  const place = (offset: number): string | undefined => {
    const top = stack[stack.length - 1];
    if (!top) {
      values.set('', offset);
      return '';
    }
    if (top.kind === 'sequence') {
      const pointer = `${top.pointer}/${top.index++}`;
      values.set(pointer, offset);
      return pointer;
    }
    if (top.key === undefined) return undefined; // this node is a key
    const pointer = `${top.pointer}/${escape(top.key)}`;
    values.set(pointer, offset);
    top.key = undefined;
    return pointer;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const start = firstOffset(event.anchorStart, event.tagStart, event.start);
        const pointer = place(start) ?? '';
        stack.push({
          kind: event.type === EVENT_ID.MAPPING ? 'mapping' : 'sequence',
          pointer,
          index: 0,
          key: undefined,
        });
        break;
      }
      case EVENT_ID.SCALAR: {
        const start = firstOffset(event.anchorStart, event.tagStart, event.valueStart);
        const top = stack[stack.length - 1];
        if (top?.kind === 'mapping' && top.key === undefined) {
          top.key = text.slice(event.valueStart, event.valueEnd).replace(/^["']|["']$/g, '');
          keys.set(`${top.pointer}/${escape(top.key)}`, start);
        } else {
          place(start);
        }
        break;
      }
      case EVENT_ID.ALIAS:
        place(event.anchorStart);
        break;
      case EVENT_ID.POP:
        stack.pop();
        break;
      default:
        break;
    }
  }
  return { value, offsets: { values, keys } };
}

function firstOffset(...offsets: number[]): number {
  const valid = offsets.filter((o) => o >= 0);
  return valid.length > 0 ? Math.min(...valid) : 0;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The quoted scalar still open at `offset`, if it started on an earlier line (0-based line and
 * column). A light scan: quotes open only where a value starts (after `: `, `- `, `[`, `{`, `,` or
 * at the start of a line), comments end a line, and `\\"` / `''` are escapes.
 */
function openQuoteAt(text: string, offset: number): { line: number; column: number; char: string } | undefined {
  let open: { line: number; column: number; char: string } | undefined;
  let line = 0;
  let lineStart = 0;
  let comment = false;
  let previous = '\n'; // last non-blank character outside a quote on this line
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      comment = false;
      previous = '\n';
      continue;
    }
    if (comment) continue;
    if (open) {
      if (open.char === '"' && ch === '\\') i++;
      else if (open.char === "'" && ch === "'" && text[i + 1] === "'") i++;
      else if (ch === open.char) {
        open = undefined;
        previous = ch;
      }
      continue;
    }
    if (ch === '#' && (i === lineStart || /\s/.test(text[i - 1] ?? ''))) comment = true;
    else if ((ch === '"' || ch === "'") && /[\n:\-[{,?]/.test(previous))
      open = { line, column: i - lineStart, char: ch };
    else if (ch !== ' ' && ch !== '\t') previous = ch;
  }
  return open !== undefined && open.line < line ? open : undefined;
}
